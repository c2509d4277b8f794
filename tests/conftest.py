"""Shared test set-up: a non-interactive plotting backend, and no network access ever."""

from __future__ import annotations

import os
import socket

import matplotlib
import pytest

os.environ.setdefault("MPLBACKEND", "Agg")
matplotlib.use("Agg")


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail any test that tries to open a connection to another machine (loopback is allowed)."""
    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address, *args, **kwargs):  # type: ignore[no-untyped-def]
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and host not in ("127.0.0.1", "localhost", "::1"):
            raise OSError(f"tests must not touch the network (tried {address!r})")
        return real_connect(self, address, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture(scope="module")
def results(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The ``results`` of the lesson a ``tests/test_lesson_NN.py`` module checks, at its claims seed.

    One run per lesson and ``make test``: the nbval run of the lesson's claims copy
    (tools.lessons.prepare_claims_runs) when ``make test`` made one, else a papermill run here.
    """
    from tools.lessons import claims_results

    module = request.module.__name__.rsplit(".", 1)[-1]
    if not module.startswith("test_lesson_"):
        raise RuntimeError(f"the results fixture is for tests/test_lesson_NN.py, not {module}")
    number = module.removeprefix("test_lesson_")
    return claims_results(number, tmp_path_factory.mktemp(f"lesson{number}"))
