"""The book's vendored MathJax (book/_ext/offline_mathjax.py): what is kept, all-or-nothing
unpacking, and a clear error when MathJax cannot be had."""

from __future__ import annotations

import io
import sys
import tarfile
from pathlib import Path

import pytest
from sphinx.errors import ExtensionError

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "book" / "_ext"))
import offline_mathjax  # noqa: E402


def tarball(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def test_keeps_the_component_and_what_it_loads_only() -> None:
    wanted = offline_mathjax._wanted
    assert wanted("package/es5/tex-mml-chtml.js") == "tex-mml-chtml.js"
    assert wanted("package/es5/input/tex/extensions/cancel.js") == "input/tex/extensions/cancel.js"
    assert wanted("package/es5/output/chtml/fonts/woff-v2/MathJax_Main-Regular.woff")
    assert wanted("package/es5/tex-svg-full.js") is None  # another component
    assert wanted("package/es5/output/svg/fonts/tex.js") is None
    assert wanted("package/README.md") is None


def test_unpack_is_all_or_nothing(tmp_path: Path) -> None:
    target = tmp_path / "3.2.2"
    with pytest.raises(ExtensionError, match="no es5/tex-mml-chtml.js"):
        offline_mathjax.unpack(tarball({"package/es5/input/a.js": b"x"}), target)
    assert not target.exists() and list(tmp_path.iterdir()) == []  # no half-unpacked folder
    offline_mathjax.unpack(
        tarball({"package/es5/tex-mml-chtml.js": b"js", "package/es5/sre/x.js": b"s"}), target
    )
    assert (target / "mathjax" / "tex-mml-chtml.js").read_bytes() == b"js"
    assert (target / "mathjax" / "sre" / "x.js").read_bytes() == b"s"


def test_without_network_or_cache_the_build_says_how_to_get_mathjax(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("MLPCOURSE_DATA", raising=False)
    monkeypatch.setenv("MLPCOURSE_MIRRORS", "http://127.0.0.1:9/")  # nothing listens there
    with pytest.raises(ExtensionError, match="render offline") as err:
        offline_mathjax.vendor(tmp_path / "book")
    assert "mathjax-3.2.2.tgz" in str(err.value) and "npm pack" in str(err.value)
    assert not (tmp_path / "book" / "_build" / ".mathjax" / "3.2.2").exists()


def test_a_cached_tarball_is_checked_and_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache" / "mlpcourse" / "mathjax"
    cache.mkdir(parents=True)
    (cache / offline_mathjax.TARBALL).write_bytes(b"not the tarball")  # corrupt copy: refused
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("MLPCOURSE_DATA", raising=False)
    monkeypatch.setenv("MLPCOURSE_MIRRORS", "http://127.0.0.1:9/")
    with pytest.raises(ExtensionError):
        offline_mathjax.vendor(tmp_path / "book")
