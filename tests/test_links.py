"""Links and structure of the built site: every internal link and anchor resolves, every
page is in the nav and reachable, every lesson has one H1 and one summary block.

MkDocs checks the markdown's links when it builds (`validation:` in mkdocs.yml, strict);
these tests check the HTML that was actually built, theme and fence output included.
External links are listed in test-artifacts/external-links.txt, never fetched.
"""

from __future__ import annotations

import re
from collections import defaultdict
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from browser import ARTIFACTS

pytestmark = pytest.mark.slow

NOT_LINKS = ("mailto:", "tel:", "javascript:", "data:")


class Page(HTMLParser):
    """The ids a page defines, the links it makes, its H1s and summary blocks, its nav."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.h1 = 0
        self.summaries = 0
        self.nav_links: list[str] = []
        self._primary_nav = 0  # depth inside Material's primary navigation

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for key in ("id", "name") if tag == "a" else ("id",):
            if attributes.get(key):
                self.ids.add(attributes[key])
        href = attributes.get("href")
        if href and (
            tag in ("a", "area")
            or (
                tag == "link"
                and attributes.get("rel") not in ("canonical", "alternate")
            )
        ):
            self.links.append(href)
            if self._primary_nav and tag == "a":
                self.nav_links.append(href)
        if self._primary_nav and tag == "nav":
            self._primary_nav += 1
        if (
            tag == "nav"
            and "md-nav--primary" in (attributes.get("class") or "").split()
        ):
            self._primary_nav = 1
        self.h1 += tag == "h1"
        self.summaries += (
            tag in ("div", "details")
            and "scan" in (attributes.get("class") or "").split()
        )

    def handle_endtag(self, tag):
        if tag == "nav" and self._primary_nav:
            self._primary_nav -= 1


def read_site(site: Path) -> tuple[str, dict[str, Page]]:
    """The site's published root URL (from its sitemap) and every built page, parsed."""
    sitemap = (site / "sitemap.xml").read_text(encoding="utf8")
    first = re.search(r"<loc>([^<]+)</loc>", sitemap)[1]
    root = (
        first[: first.index("/", len(urlsplit(first).scheme) + 3)]
        + urlsplit(first).path
    )
    root = root if root.endswith("/") else root + "/"
    pages = {}
    for path in sorted(site.rglob("*.html")):
        page = Page()
        page.feed(path.read_text(encoding="utf8"))
        pages[path.relative_to(site).as_posix()] = page
    return root, pages


def page_url(root: str, name: str) -> str:
    return root + name.removesuffix("index.html")


def target(site: Path, root: str, url: str) -> str | None:
    """The built file a URL inside the site serves, or None if there is none."""
    path = unquote(urlsplit(url).path)
    rel = path[len(urlsplit(root).path) :]
    for candidate in (
        rel,
        rel + "index.html" if rel.endswith("/") or not rel else rel + "/index.html",
    ):
        if candidate and (site / candidate).is_file():
            return candidate
    return None


def check_links(site: Path) -> tuple[list[str], dict[str, set[str]]]:
    """(broken internal links and anchors, {external URL: pages linking to it})."""
    root, pages = read_site(site)
    broken, external = [], defaultdict(set)
    for name, page in pages.items():
        for href in page.links:
            if href.startswith(NOT_LINKS):
                continue
            url = urljoin(page_url(root, name), href)
            if not url.startswith(root.rstrip("/")):
                if urlsplit(url).scheme in ("http", "https"):
                    external[url].add(name)
                continue
            found = target(site, root, url)
            fragment = unquote(urlsplit(url).fragment)
            if found is None:
                broken.append(
                    f"{name}: link to {href!r}: no such page or file in the built site"
                )
            elif fragment and found in pages and fragment not in pages[found].ids:
                broken.append(
                    f"{name}: link to {href!r}: {found} has no element with id {fragment!r}"
                )
    return broken, external


def test_every_internal_link_and_anchor_resolves(site):
    broken, _ = check_links(site)
    assert not broken, "\n".join(broken)


def test_external_links_are_listed_not_fetched(site):
    _, external = check_links(site)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    report = ARTIFACTS / "external-links.txt"
    lines = [
        "External links of the built site (not fetched by the tests), with the pages that use them:",
        "",
    ]
    lines += [
        f"{url}\n    " + ", ".join(sorted(pages))
        for url, pages in sorted(external.items())
    ]
    report.write_text("\n".join(lines) + "\n", encoding="utf8")
    assert external, "the check found no external link at all: is it reading the site?"


def test_the_link_check_finds_broken_links_and_anchors(tmp_path):
    (tmp_path / "sitemap.xml").write_text(
        "<urlset><url><loc>https://example.org/course/</loc></url></urlset>"
    )
    (tmp_path / "a").mkdir()
    (tmp_path / "index.html").write_text(
        '<h1 id="top">Home</h1><a href="a/">fine</a> <a href="a/#here">fine</a>'
        ' <a href="/course/a/#gone">no anchor</a> <a href="b/">no page</a>'
        ' <a href="https://example.com/x">outside</a> <a href="#top">fine</a>'
    )
    (tmp_path / "a/index.html").write_text(
        '<p id="here"><a href="../index.html#nowhere">no anchor</a></p>'
    )
    broken, external = check_links(tmp_path)
    assert broken == [
        "a/index.html: link to '../index.html#nowhere': index.html has no element with id 'nowhere'",
        "index.html: link to '/course/a/#gone': a/index.html has no element with id 'gone'",
        "index.html: link to 'b/': no such page or file in the built site",
    ]
    assert external == {"https://example.com/x": {"index.html"}}


def nav_pages(site: Path) -> set[str]:
    root, pages = read_site(site)
    return {
        target(site, root, urljoin(page_url(root, "index.html"), href))
        for href in pages["index.html"].nav_links
    }


def test_every_page_is_in_the_nav(site):
    _, pages = read_site(site)
    missing = set(pages) - nav_pages(site) - {"404.html"}
    assert not missing, f"pages missing from the nav in mkdocs.yml: {sorted(missing)}"


def test_no_page_is_an_orphan(site):
    """Every page can be reached by following links from the home page."""
    root, pages = read_site(site)
    seen, todo = {"index.html"}, ["index.html"]
    while todo:
        name = todo.pop()
        for href in pages[name].links:
            url = urljoin(page_url(root, name), href)
            found = (
                target(site, root, url) if url.startswith(root.rstrip("/")) else None
            )
            if found in pages and found not in seen:
                seen.add(found)
                todo.append(found)
    assert set(pages) - seen - {"404.html"} == set()


def lessons(site: Path) -> list[str]:
    return sorted(
        p.relative_to(site).as_posix() for p in site.glob("lessons/*/index.html")
    )


def test_every_lesson_has_one_h1_and_one_summary_block(site):
    _, pages = read_site(site)
    assert len(lessons(site)) >= 8
    for name in lessons(site):
        assert pages[name].h1 == 1, (
            f"{name}: {pages[name].h1} H1 headings; a lesson has exactly one (its title)"
        )
        assert pages[name].summaries == 1, (
            f"{name}: {pages[name].summaries} summary blocks; a lesson opens with exactly one "
            '(!!! scan "Scan it in five minutes", see docs/contributing.md)'
        )
    for name, page in pages.items():
        assert page.h1 == 1, f"{name}: {page.h1} H1 headings"
