"""The course's own tooling (not shipped to students): lesson list and runner, student copies,
repository URL. Run each as ``python -m tools.NAME`` from the repository root."""
