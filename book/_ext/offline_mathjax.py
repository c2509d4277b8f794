"""MathJax served by the book itself, so formulas render with no network.

Sphinx points pages at MathJax on a CDN; offline (a laptop on a train, a class behind a firewall,
a locally built book) the formulas then show as raw TeX. This extension vendors MathJax 3 from the
npm registry's package tarball at build time and serves it from the book's ``_static/mathjax/``:

- the tarball is fetched and checked by the course's own verified downloader
  (:func:`mlpcourse.data.download.fetch_verified`: SHA-256 pinned below, atomic writes, cached in
  ``~/.cache/mlpcourse/mathjax``; ``$MLPCOURSE_DATA`` or ``$MLPCOURSE_MIRRORS`` point it at a
  local copy), so a corrupt or truncated download is never used;
- the part of ``es5/`` the CommonHTML page needs (the ``tex-mml-chtml.js`` component, its fonts,
  the TeX extensions it loads on demand and the accessibility menu's modules) is unpacked once
  into ``_build/.mathjax/<version>/``, written to a temporary folder and renamed when complete;
- ``mathjax_path`` and ``html_static_path`` are set so every page loads that copy.

With no network and no cached tarball the build stops with a message that says how to get it.
"""

from __future__ import annotations

import io
import os
import shutil
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ExtensionError

VERSION = "3.2.2"
TARBALL = f"mathjax-{VERSION}.tgz"
SHA256 = "1b9c0a1c44df864e915690558e72adb9cc5203360daefd385084ced3b6c64c09"
SIZE = 6_132_118
REGISTRY = "https://registry.npmjs.org/mathjax/-/"
COMPONENT = "tex-mml-chtml.js"  # what Sphinx loads from the CDN by default, served locally
# The parts of es5/ that component uses: itself, what it loads on demand, fonts, the menu's a11y.
KEEP = (
    COMPONENT,
    "input/",
    "output/chtml.js",
    "output/chtml/",
    "a11y/",
    "sre/",
    "ui/",
    "adaptors/",
)


def spec() -> Any:
    from mlpcourse.data.download import DatasetSpec

    return DatasetSpec(
        name=f"MathJax {VERSION} (npm package tarball)",
        cache_name="mathjax",
        sha256={TARBALL: SHA256},
        mirrors=(REGISTRY,),
        install_hint=(
            f"download {REGISTRY}{TARBALL} on a machine with network (or `npm pack "
            f"mathjax@{VERSION}`) and put it in ~/.cache/mlpcourse/mathjax/"
        ),
        expected_sizes={TARBALL: SIZE},
    )


def _wanted(member: str) -> str | None:
    """The path under es5/ to keep for a tarball member, or None."""
    prefix = "package/es5/"
    if not member.startswith(prefix):
        return None
    rest = member[len(prefix) :]
    return (
        rest if any(rest == k or (k.endswith("/") and rest.startswith(k)) for k in KEEP) else None
    )


def unpack(content: bytes, target: Path) -> None:
    """Unpack the kept part of the tarball into ``target/mathjax/``, all or nothing."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".mathjax-", dir=target.parent))
    try:
        with tarfile.open(fileobj=io.BytesIO(content), mode="r:gz") as tar:
            for member in tar.getmembers():
                rest = _wanted(member.name)
                if rest is None or not member.isfile():
                    continue
                out = staging / "mathjax" / rest
                if ".." in Path(rest).parts:
                    raise ExtensionError(f"unexpected path in the MathJax tarball: {member.name}")
                out.parent.mkdir(parents=True, exist_ok=True)
                source = tar.extractfile(member)
                assert source is not None
                out.write_bytes(source.read())
        if not (staging / "mathjax" / COMPONENT).is_file():
            raise ExtensionError(f"the MathJax tarball has no es5/{COMPONENT}")
        if target.exists():
            shutil.rmtree(target)
        os.replace(staging, target)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def vendor(confdir: Path) -> Path:
    """Return a folder holding ``mathjax/<COMPONENT>`` and the files it loads; fetch if needed."""
    target = confdir / "_build" / ".mathjax" / VERSION
    if (target / "mathjax" / COMPONENT).is_file():
        return target
    from mlpcourse.data.download import DataNotFoundError, fetch_verified

    try:
        content, _ = fetch_verified(spec())
    except DataNotFoundError as err:
        raise ExtensionError(
            "The book serves MathJax itself so that formulas render offline, and could not get "
            f"it:\n{err}"
        ) from err
    unpack(content[TARBALL], target)
    return target


def configure(app: Sphinx, config: Config) -> None:
    folder = vendor(Path(app.srcdir))
    config.html_static_path = [*config.html_static_path, str(folder)]
    config.mathjax_path = f"mathjax/{COMPONENT}"


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("config-inited", configure)
    return {"version": VERSION, "parallel_read_safe": True, "parallel_write_safe": True}
