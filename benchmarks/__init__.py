"""Benchmarks of the course's speed claims: ``python -m benchmarks.run`` measures, ``report`` renders.

``make bench`` runs both; ``make bench-report`` only re-renders the book's performance page from
the newest ``benchmarks/results/*.json``.
"""
