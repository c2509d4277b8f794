"""The book: a strict build (zero warnings), then the pages in a real headless browser.

The book is built once per session into a temporary folder and served on 127.0.0.1. Chromium
(Debian's ``chromium``, driven by Playwright's Python package) opens every page. The browser
never reaches the network: a request to any other host is aborted and counts as an error, so a
page passes only if it works offline, formulas included (MathJax is served by the book itself,
book/_ext/offline_mathjax.py, and every formula must be typeset).
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urldefrag, urlsplit

import pytest
import yaml

from tools.set_repo_url import release_branch

ROOT = Path(__file__).resolve().parents[1]
LOOPBACK = {"127.0.0.1", "localhost"}
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.slow


def toc_files() -> list[str]:
    """Every document named in _toc.yml (root first), without suffix."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    found = [toc["root"]]

    def walk(entries: list[dict[str, Any]]) -> None:
        for entry in entries:
            if "file" in entry:
                found.append(entry["file"])
            for key in ("chapters", "sections", "parts"):
                walk(entry.get(key, []))

    walk(toc.get("parts", []) + toc.get("chapters", []))
    return found


LESSONS = [f for f in toc_files() if f.startswith("notebooks/")]


def chromium_executable() -> str:
    """Debian's chromium (or $CHROMIUM); never a browser Playwright would download."""
    for candidate in (
        os.environ.get("CHROMIUM"),
        "/usr/bin/chromium",
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
    ):
        if candidate and Path(candidate).exists():
            return candidate
    pytest.fail("no chromium found: install it with `sudo apt install chromium` (see .ci/run)")


# --- build -------------------------------------------------------------------------------------


@dataclass
class Build:
    html: Path
    log: str
    returncode: int
    seconds: float


@pytest.fixture(scope="session")
def book(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """Build the book strictly, once per session, into a temporary folder."""
    out = tmp_path_factory.mktemp("book")
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    command = [str(jupyter_book), "build", str(ROOT), "--path-output", str(out)]
    start = time.perf_counter()
    proc = subprocess.run(
        [*command, "-W", "-n", "--keep-going"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYDEVD_DISABLE_FILE_VALIDATION": "1"},
        timeout=1200,
    )
    seconds = time.perf_counter() - start
    return Build(out / "_build" / "html", proc.stdout + proc.stderr, proc.returncode, seconds)


def test_strict_build_has_no_warnings(book: Build) -> None:
    warnings = [line for line in book.log.splitlines() if re.search(r"WARNING|ERROR", line)]
    assert book.returncode == 0 and not warnings, "\n".join(warnings) or book.log[-3000:]
    print(f"book built in {book.seconds:.0f} s")


def test_every_toc_page_is_built(book: Build) -> None:
    missing = [f for f in toc_files() if not (book.html / f"{f}.html").exists()]
    assert not missing, f"pages in _toc.yml that were not built: {missing}"


def test_launch_buttons_use_the_configured_repository(book: Build) -> None:
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    url = config["repository"]["url"].rstrip("/")
    slug = urlsplit(url).path.strip("/")
    # the buttons open the release branch (a class hub's nbgitpuller pulls it again and again),
    # made at the commit of the tag the Colab cells install
    branch = release_branch(ROOT)
    for lesson in LESSONS:
        page = (book.html / f"{lesson}.html").read_text()
        colab = f"https://colab.research.google.com/github/{slug}/blob/{branch}/{lesson}.ipynb"
        assert colab in page, f"{lesson}: no Colab launch button to {colab}"
        assert f"https://mybinder.org/v2/gh/{slug}/{branch}" in page, f"{lesson}: no Binder button"
        assert f'href="{url}"' in page, f"{lesson}: no repository button"
        assert "colab-badge.svg" not in page, f"{lesson}: the badge cell should be remove-cell"


# --- serving and the browser -------------------------------------------------------------------


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


@pytest.fixture(scope="session")
def site(book: Build) -> Iterator[str]:
    """Serve the built HTML on a free loopback port; yield its base URL."""
    if not book.html.is_dir():
        pytest.fail(f"the book was not built:\n{book.log[-3000:]}")
    handler = functools.partial(QuietHandler, directory=str(book.html))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@dataclass
class PageReport:
    url: str
    site_errors: list[str] = field(default_factory=list)
    broken_images: list[str] = field(default_factory=list)
    links: set[str] = field(default_factory=set)
    title: str = ""
    text_length: int = 0
    formulas: int = 0
    typeset: int = 0
    math_errors: list[str] = field(default_factory=list)
    axe_violations: list[str] = field(default_factory=list)


def _is_external(url: str) -> bool:
    host = urlsplit(url).hostname
    return bool(host) and host not in LOOPBACK and urlsplit(url).scheme in ("http", "https")


@pytest.fixture(scope="session")
def browser(site: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium_executable(), headless=True, args=CHROMIUM_FLAGS
        )
        yield browser
        browser.close()


def open_page(browser: Any, url: str) -> tuple[Any, PageReport]:
    """Open ``url`` with the network cut off; classify every failure on the way."""
    report = PageReport(url)
    context = browser.new_context()
    page = context.new_page()

    def route(route: Any) -> None:
        target = route.request.url
        if _is_external(target):
            report.site_errors.append(f"page fetches from the network: {target}")
            route.abort()
        else:
            route.continue_()

    def on_console(message: Any) -> None:
        if message.type == "error":
            where = (message.location or {}).get("url", "")
            report.site_errors.append(f"console: {message.text} ({where})")

    def on_page_error(error: Any) -> None:
        report.site_errors.append(f"uncaught error: {error}")

    def on_response(response: Any) -> None:
        if not _is_external(response.url) and response.status >= 400:
            report.site_errors.append(f"HTTP {response.status}: {response.url}")

    page.route("**/*", route)
    page.on("console", on_console)
    page.on("pageerror", on_page_error)
    page.on("response", on_response)
    page.goto(url, wait_until="load", timeout=60_000)
    report.broken_images = page.evaluate(
        """async () => {
            const imgs = Array.from(document.images);
            imgs.forEach(img => { img.loading = "eager"; });
            await Promise.all(imgs.map(img => img.complete ? null :
                new Promise(done => { img.onload = img.onerror = done; })));
            return imgs.filter(img => img.naturalWidth === 0).map(img => img.src);
        }"""
    )
    report.links = set(page.eval_on_selector_all("a[href]", "els => els.map(a => a.href)"))
    report.title = page.title()
    report.text_length = len(page.inner_text("main") if page.query_selector("main") else "")
    report.formulas = page.locator(".math").count()  # what Sphinx marks as math for MathJax
    if report.formulas:
        page.wait_for_function("window.MathJax && MathJax.startup && MathJax.startup.promise")
        page.evaluate("() => MathJax.startup.promise")  # resolves once the page is typeset
        report.typeset = page.locator(".math mjx-container").count()
        report.math_errors = page.eval_on_selector_all(
            "mjx-merror", "els => els.map(e => e.getAttribute('data-mjx-error') || e.textContent)"
        )
    return page, report


@pytest.fixture(scope="session")
def page_reports(browser: Any, site: str) -> dict[str, PageReport]:
    """Open every page of the table of contents once."""
    reports = {}
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()  # axe-core, bundled by the package: nothing is fetched
    for doc in toc_files():
        page, report = open_page(browser, f"{site}{doc}.html")
        # preload off: axe would fetch the stylesheets itself, resolving the theme's relative
        # @import against the page, and report its own 404 as the site's
        for violation in axe.run(page, options={"preload": False}).response["violations"]:
            if violation["impact"] in ("serious", "critical"):
                report.axe_violations.append(
                    f"{violation['id']} ({violation['impact']}, {len(violation['nodes'])} elements): "
                    f"{violation['help']}"
                )
        page.context.close()
        reports[doc] = report
    return reports


@pytest.mark.parametrize("doc", toc_files())
def test_no_serious_accessibility_violations(page_reports: dict[str, PageReport], doc: str) -> None:
    """axe-core on every page: no serious or critical violation (contrast, names, alt text...)."""
    assert page_reports[doc].axe_violations == []


@pytest.mark.parametrize("doc", toc_files())
def test_page_loads_without_site_errors(page_reports: dict[str, PageReport], doc: str) -> None:
    report = page_reports[doc]
    assert not report.site_errors, f"{doc}:\n" + "\n".join(report.site_errors)
    assert report.text_length > 200, f"{doc}: the page shows almost no text"


@pytest.mark.parametrize("doc", toc_files())
def test_formulas_render_offline(page_reports: dict[str, PageReport], doc: str) -> None:
    """Every formula on the page is typeset by the book's own MathJax, with the network cut off."""
    report = page_reports[doc]
    assert report.typeset == report.formulas, (
        f"{doc}: {report.typeset} of {report.formulas} formulas typeset"
    )
    assert report.math_errors == [], f"{doc}: TeX errors {report.math_errors}"


def test_lessons_have_formulas(page_reports: dict[str, PageReport]) -> None:
    with_math = [d for d in LESSONS if page_reports[d].formulas > 0]
    assert len(with_math) >= 5, f"formulas found only on {with_math}: is math still marked up?"


@pytest.mark.parametrize("doc", toc_files())
def test_every_image_loads(page_reports: dict[str, PageReport], doc: str) -> None:
    assert not page_reports[doc].broken_images, f"{doc}: {page_reports[doc].broken_images}"


def test_lessons_have_images(book: Build) -> None:
    without = [d for d in LESSONS if "_images/" not in (book.html / f"{d}.html").read_text()]
    assert not without, f"lessons without a single figure: {without}"


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("id", "name") and value:
                self.ids.add(value)


def test_internal_links_resolve(page_reports: dict[str, PageReport], site: str) -> None:
    ids: dict[str, set[str] | None] = {}
    broken = []
    for doc, report in page_reports.items():
        for link in sorted(report.links):
            if not link.startswith(site):
                continue
            target, fragment = urldefrag(link)
            if target not in ids:
                try:
                    with urllib.request.urlopen(target, timeout=10) as response:
                        parser = _Ids()
                        if "html" in response.headers.get("Content-Type", ""):
                            parser.feed(response.read().decode("utf-8", "replace"))
                        ids[target] = parser.ids
                except OSError:
                    ids[target] = None
            if ids[target] is None:
                broken.append(f"{doc}: {link} (missing page)")
            elif fragment and unquote(fragment) not in ids[target]:
                broken.append(f"{doc}: {link} (no such anchor)")
    assert not broken, "\n".join(broken)


@pytest.mark.parametrize("doc", LESSONS)
def test_exercise_solution_dropdown_opens(browser: Any, site: str, doc: str) -> None:
    page, report = open_page(browser, f"{site}{doc}.html")
    try:
        exercises = page.locator("div.exercise")
        assert exercises.count() >= 1, f"{doc}: no exercise boxes"
        assert re.search(r"Exercise \d+", exercises.first.inner_text()), "exercises are numbered"
        solution = page.locator("div.solution.dropdown").first
        assert solution.count() == 1, f"{doc}: no folded solution"
        body = solution.locator("section").first
        page.wait_for_selector("div.solution.dropdown .toggle-button", timeout=10_000)
        assert not body.is_visible(), f"{doc}: the solution is not folded"
        solution.locator(".toggle-button").first.click()
        body.wait_for(state="visible", timeout=5_000)
        assert not report.site_errors, report.site_errors
    finally:
        page.context.close()


def test_search_finds_softmax(browser: Any, site: str) -> None:
    page, report = open_page(browser, f"{site}search.html?q=softmax")
    try:
        page.wait_for_selector("#search-results ul.search li", timeout=30_000)
        hits = page.eval_on_selector_all(
            "#search-results ul.search li a", "els => els.map(a => a.href)"
        )
        assert any("/notebooks/" in h for h in hits), f"no lesson among the results: {hits}"
        assert not report.site_errors, report.site_errors
    finally:
        page.context.close()


def test_exercises_are_numbered_per_lesson(book: Build) -> None:
    # the number the notebook and the student copy show ("4.2"), not a book-wide count
    for doc in LESSONS:
        page = (book.html / f"{doc}.html").read_text()
        lesson = int(Path(doc).name[:2])
        titles = re.findall(r'class="admonition-title">Exercise ([\d.]+)</p>', page)
        assert titles and titles == [f"{lesson}.{k}" for k in range(1, len(titles) + 1)], (
            doc,
            titles,
        )
        assert "Exercise (" not in page, f"{doc}: a title sphinx-exercise left in parentheses"
        assert re.search(rf"Solution to<a [^>]*> Exercise {lesson}\.1</a>", page), doc
