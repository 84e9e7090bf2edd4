"""Shared helpers for the site tests: strict MkDocs builds into temporary folders,
the built site once per session, and a lesson's article for the lesson tests."""

from __future__ import annotations

import fcntl
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MKDOCS = [sys.executable, "-m", "mkdocs"]
STARTED = time.time()


def mkdocs_build(
    dest: Path, *, config: Path = ROOT / "mkdocs.yml", env: dict | None = None
) -> subprocess.CompletedProcess:
    """Run `mkdocs build --strict` into dest; return the finished process."""
    environment = {
        **os.environ,
        "NO_MKDOCS_2_WARNING": "1",
        "MPLBACKEND": "Agg",
        **(env or {}),
    }
    return subprocess.run(
        [
            *MKDOCS,
            "build",
            "--strict",
            "--clean",
            "-q",
            "-f",
            str(config),
            "-d",
            str(dest),
        ],
        cwd=config.parent,
        env=environment,
        capture_output=True,
        text=True,
    )


def read_page(site: Path, page: str) -> str:
    """A built page's HTML with each formula back as the TeX arithmatex marked, \\(...\\) or
    \\[...\\]: KaTeX typesets them at build time, and tests read the numbers in them."""
    import html

    from site_build.katex import formula

    built = (site / page).read_text(encoding="utf8")
    for shape, escaped in set(
        re.findall(
            r'<math xmlns="[^"]*"( display="block")?><semantics>.*?'
            r'<annotation encoding="application/x-tex">(.*?)</annotation>',
            built,
            re.S,
        )
    ):
        tex, display = html.unescape(escaped), bool(shape)
        marked = html.escape(tex, quote=False)
        assert formula(tex, display) in built, (
            f"{page}: a formula not as site_build.katex writes it: {tex}"
        )
        built = built.replace(
            formula(tex, display), f"\\[{marked}\\]" if display else f"\\({marked}\\)"
        )
    return built


def build_ok(dest: Path, **kwargs) -> Path:
    result = mkdocs_build(dest, **kwargs)
    assert result.returncode == 0, f"build failed:\n{result.stdout}\n{result.stderr}"
    return dest


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The whole site, built once per test run: pytest-xdist's workers share one build
    (the first to ask builds it under a lock; the others wait and read it)."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return build_ok(tmp_path_factory.mktemp("site"))
    shared = tmp_path_factory.getbasetemp().parent
    with open(shared / "site.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        failed = shared / "site-build-failed.txt"
        if not (shared / "site" / "index.html").exists() and not failed.exists():
            result = mkdocs_build(shared / "site")
            if result.returncode != 0:
                failed.write_text(
                    f"build failed:\n{result.stdout}\n{result.stderr}", encoding="utf8"
                )
        if failed.exists():
            pytest.fail(failed.read_text(encoding="utf8"), pytrace=False)
    return shared / "site"


@pytest.fixture
def page(request, site):
    """The built lesson named by the test module's SLUG, read by tests/lesson.py.

    Lesson checks take only this argument, so the mutation test can call them
    on an altered copy of the same article (tests/test_lesson_mutations.py)."""
    import lesson

    return lesson.read(site, request.module.SLUG)


@pytest.fixture(scope="session")
def chromium():
    """One headless Chromium for the whole session (tests/browser.py says which and why)."""
    import warnings

    from browser import CHROMIUM, FLAGS, browser_problem, in_ci

    problem = browser_problem()
    if problem:
        message = f"BROWSER TESTS NOT RUN: {problem}. Pages are untested in a browser."
        if in_ci():
            pytest.fail(f"{message} CI=true requires them.", pytrace=False)
        warnings.warn(message, stacklevel=1)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=FLAGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def served(site):
    """The built site on http://127.0.0.1:<free port>/<its published path>, for the session."""
    from browser import serve

    server = serve(site)
    yield server.url
    server.stop()


def pytest_terminal_summary(terminalreporter):
    """Say where this run's screenshots and reports are (tests/browser.py writes them)."""
    from browser import ARTIFACTS, SCREENSHOTS

    fresh = (
        sorted(
            p
            for p in ARTIFACTS.rglob("*")
            if p.is_file() and p.stat().st_mtime >= STARTED
        )
        if ARTIFACTS.is_dir()
        else []
    )
    if not fresh:
        return
    terminalreporter.write_sep("-", "test artefacts")
    shots = [p for p in fresh if p.suffix == ".png"]
    if shots:
        terminalreporter.write_line(
            f"{len(shots)} screenshots (every page, light and dark): {SCREENSHOTS}"
        )
    for report in (p for p in fresh if p.suffix == ".txt"):
        terminalreporter.write_line(f"report: {report}")


# The longest test modules start first, so pytest-xdist's workers finish together: the
# first builds the site and audits it in the browser while the second runs the notebooks.
FIRST = [
    "test_pages_in_browser.py",
    "test_notebooks.py",
    "test_site.py",
    "test_pages_on_a_phone.py",
    "test_pages_built_alone.py",
    "test_build_errors.py",
    "test_fence_cache.py",
    "test_playground.py",
]


def pytest_collection_modifyitems(items):
    def rank(item):
        name = item.path.name
        return FIRST.index(name) if name in FIRST else len(FIRST)

    items.sort(key=rank)  # stable: the rest keep their order
