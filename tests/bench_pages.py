"""Page-load benchmark: every built page opened in Chromium with a cold cache.

    python tests/bench_pages.py [SITE] [--runs N]     (part of `make bench`)

Builds the site into a temporary folder unless SITE (a built site) is given, serves it
on 127.0.0.1 and opens each page N times (default 5), each time in a fresh browser
context with the cache off, at a phone viewport. Prints per page, as medians of the runs:

* KB transferred: every file the page loaded before the reader did anything, compressed
  as a static host sends it (gzip -6; the local server sends files uncompressed, so the
  bytes are counted from the built files; the byte budgets in
  tests/test_pages_on_a_phone.py count the same way);
* first contentful paint, ms after navigation start;
* math typeset, ms after DOMContentLoaded (its start) until no formula is left untypeset: 0 when the
  page arrives with its formulas typeset at build time;
* cumulative layout shift (CLS).

Times depend on the machine and its load: they are figures for the README, never test
assertions.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from browser import CHROMIUM, FLAGS, built_pages, serve, url_of
from conftest import build_ok
from test_pages_on_a_phone import PHONE, compressed, site_files

# Before any page script: record layout shifts, and the moment the last formula is typeset
# (no formula left without MathJax's or KaTeX's markup).
RECORD = """
window.__shift = 0;
new PerformanceObserver(list => {
  for (const entry of list.getEntries()) if (!entry.hadRecentInput) window.__shift += entry.value;
}).observe({type: "layout-shift", buffered: true});
const typeset = () => !document.querySelector(".arithmatex:not(:has(mjx-container, .katex))");
document.addEventListener("DOMContentLoaded", () => {
  if (typeset()) { window.__mathDone = performance.now(); return; }
  const watcher = new MutationObserver(() => {
    if (typeset()) { window.__mathDone = performance.now(); watcher.disconnect(); }
  });
  watcher.observe(document.body, {childList: true, subtree: true});
});
"""

MEASURE = """async () => {
  const nav = performance.getEntriesByType("navigation")[0];
  const paint = performance.getEntriesByName("first-contentful-paint")[0];
  const hasMath = !!document.querySelector(".arithmatex, .katex");
  for (let i = 0; hasMath && window.__mathDone === undefined && i < 100; i++) await new Promise(r => setTimeout(r, 50));
  const math = hasMath && window.__mathDone !== undefined
    ? Math.max(0, window.__mathDone - nav.domContentLoadedEventStart) : null;
  return {fcp: paint ? paint.startTime : null, math, cls: window.__shift};
}"""


def measure(browser, url: str, served: str) -> dict:
    context = browser.new_context(**PHONE)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.add_init_script(RECORD)
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    result = page.evaluate(MEASURE)
    context.close()
    return {**result, "files": site_files(requested, served)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "site", nargs="?", type=Path, help="a built site (default: build one)"
    )
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        site = args.site or build_ok(Path(tmp) / "site")
        server = serve(site)
        rows = []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=FLAGS, headless=True
            )
            for name in built_pages(site):
                runs = [
                    measure(browser, server.url + url_of(name), server.url)
                    for _ in range(args.runs)
                ]
                kb = (
                    statistics.median(
                        sum(compressed(site, f) for f in run["files"]) for run in runs
                    )
                    / 1000
                )
                rows.append(
                    (
                        name,
                        kb,
                        *(
                            median([run[key] for run in runs])
                            for key in ("fcp", "math", "cls")
                        ),
                    )
                )
            browser.close()
        server.stop()
    print(f"Pages opened cold at 390 x 844, medians of {args.runs} runs each")
    print(f"{'page':38} {'KB gzip':>8} {'FCP ms':>7} {'math ms':>8} {'CLS':>6}")
    for name, kb, fcp, math, cls in rows:
        print(
            f"{name:38} {kb:8.0f} {fmt(fcp, '7.0f')} {fmt(math, '8.0f')} {fmt(cls, '6.3f')}"
        )


def median(values: list) -> float | None:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt(value: float | None, spec: str) -> str:
    width = int(spec.split(".")[0])
    return format(value, spec) if value is not None else "-".rjust(width)


if __name__ == "__main__":
    main()
