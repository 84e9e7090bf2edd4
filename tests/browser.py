"""What every browser test shares: Debian's /usr/bin/chromium driven by the Python
package playwright (never playwright's own browser download), the built site served
on 127.0.0.1, a gate that blocks and records every request leaving it, and the
folder where screenshots and reports are kept for people to look at.

The fixtures built on this (`chromium`, `served`) live in tests/conftest.py.
Without chromium or playwright the browser tests are SKIPPED with a warning in the
summary; under CI=true they FAIL instead, so CI can never pass them silently.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path(os.environ.get("DOWNHILL_CHROMIUM", "/usr/bin/chromium"))
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# Screenshots and reports a person can open without building the site (git-ignored).
ARTIFACTS = Path(os.environ.get("DOWNHILL_ARTIFACTS", ROOT / "test-artifacts"))
SCREENSHOTS = ARTIFACTS / "screenshots"
# What a reader would see wrong on the page shown (formulas, figures): tests/page_audit.js.
AUDIT_JS = (Path(__file__).parent / "page_audit.js").read_text(encoding="utf8")


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("true", "1", "yes")


def browser_problem() -> str | None:
    """Why no browser test can run here, or None when they can."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the Python package playwright is not installed (make test installs the test extra)"
    if not CHROMIUM.is_file():
        return (
            f"{CHROMIUM} is missing (Debian: apt-get install chromium; .ci/run does it)"
        )
    return None


def base_path(site: Path) -> str:
    """The path the site is published under ('/downhill'), read from its sitemap.

    Serving the site under the same path as in production lets pages whose links
    are absolute (Material's 404 page) load exactly as they will online."""
    sitemap = (
        (site / "sitemap.xml").read_text(encoding="utf8")
        if (site / "sitemap.xml").exists()
        else ""
    )
    first = re.search(r"<loc>([^<]+)</loc>", sitemap)
    return urlsplit(first[1]).path.rstrip("/") if first else ""


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Static files under `prefix`; anything else is 404, like the real host.

    sitemap.xml is served with its published origin (https://host) replaced by this
    server's: Material's instant navigation only intercepts links to pages listed in
    the sitemap of the page's own origin, port included, as it is when published."""

    prefix = ""

    def translate_path(self, path: str) -> str:
        path = unquote(urlsplit(path).path)
        if not path.startswith(self.prefix + "/"):
            return str(Path(self.directory) / "\0outside the site")
        return super().translate_path(path[len(self.prefix) :])

    def do_GET(self):
        if urlsplit(self.path).path != f"{self.prefix}/sitemap.xml":
            return super().do_GET()
        sitemap = Path(self.translate_path(self.path)).read_text(encoding="utf8")
        here = f"http://127.0.0.1:{self.server.server_port}"
        body = re.sub(r"<loc>https?://[^/<]+", f"<loc>{here}", sitemap).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@dataclass
class Server:
    url: str  # e.g. http://127.0.0.1:41234/downhill
    stop: callable


def serve(site: Path) -> Server:
    """The built site on http://127.0.0.1:<free port><base path>, in a thread."""
    prefix = base_path(site)
    handler = type("Handler", (SiteHandler,), {"prefix": prefix})
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(site))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def stop():
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)

    return Server(f"http://127.0.0.1:{server.server_port}{prefix}", stop)


@dataclass
class Traffic:
    """What a page did that a reader offline would suffer from."""

    # requests that tried to leave 127.0.0.1 (blocked)
    outside: list[str] = field(default_factory=list)
    # local requests that failed or answered >= 400
    failed: list[str] = field(default_factory=list)
    # console errors and warnings, uncaught exceptions
    console: list[str] = field(default_factory=list)

    def assert_clean(self) -> None:
        """Nothing a reader offline would suffer from happened."""
        assert self.console == [], "console errors or warnings"
        assert self.outside == [], "requests outside the local site"
        assert self.failed == [], "failed requests"

    def clear(self) -> None:
        self.outside.clear()
        self.failed.clear()
        self.console.clear()


def watch(context, page, console_types=("error", "warning")) -> Traffic:
    """Block every request leaving 127.0.0.1 and record it, with failures and console messages."""
    traffic = Traffic()

    def gate(route):
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            traffic.outside.append(route.request.url)
            route.abort()

    context.route("**/*", gate)
    page.on(
        "console",
        lambda m: (
            m.type in console_types and traffic.console.append(f"{m.type}: {m.text}")
        ),
    )
    page.on("pageerror", lambda e: traffic.console.append(f"uncaught: {e}"))
    # A request the browser dropped because the page moved on (net::ERR_ABORTED: the
    # favicon, when the next page is opened) is no failure; a missing file answers 404.
    page.on(
        "requestfailed",
        lambda r: (
            urlsplit(r.url).hostname == "127.0.0.1"
            and r.failure != "net::ERR_ABORTED"
            and traffic.failed.append(f"{r.url} ({r.failure})")
        ),
    )
    page.on(
        "response",
        lambda r: (
            r.status >= 400 and traffic.failed.append(f"{r.url} (HTTP {r.status})")
        ),
    )
    return traffic


# --- what the page audits share (tests/test_pages_in_browser.py, tests/test_pages_on_a_phone.py)


@dataclass
class PageReport:
    outside: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    math: list[str] = field(default_factory=list)
    figures: list[dict] = field(default_factory=list)
    axe: list[dict] = field(default_factory=list)
    after_instant_navigation: list[str] = field(default_factory=list)
    screenshot: Path | None = None
    # on a phone only
    # display formulas: size and problems
    formulas: list[dict] = field(default_factory=list)
    wide: list[str] = field(default_factory=list)  # what is wider than the screen
    # figure text, CSS px as laid out
    text_sizes: list[float] = field(default_factory=list)
    # site files the page loaded, cold cache
    loaded: list[str] = field(default_factory=list)


def built_pages(site: Path) -> list[str]:
    """Every HTML page of the built site, as paths relative to it."""
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))


def url_of(page: str) -> str:
    return "/" + page.removesuffix("index.html")


def shot_name(page: str, scheme: str) -> str:
    stem = (
        page.removesuffix("index.html")
        .removesuffix(".html")
        .strip("/")
        .replace("/", "-")
        or "home"
    )
    return f"{stem}-{scheme}.png"


def take(traffic: Traffic, report: PageReport) -> None:
    report.outside += traffic.outside
    report.failed += traffic.failed
    report.console += traffic.console
    traffic.clear()


def wait_for_math(page) -> None:
    """Formulas are typeset at build time: wait for the fonts KaTeX's stylesheet loads."""
    page.evaluate("() => document.fonts.ready")


def each_page(audit, subtests, problems_of):
    """One subtest per page: it fails with that page's problems, listed."""
    __tracebackhide__ = True
    for name, report in audit.items():
        with subtests.test(page=name):
            problems = problems_of(report)
            if problems:
                pytest.fail(
                    f"{name}:\n  " + "\n  ".join(map(str, problems)), pytrace=False
                )
