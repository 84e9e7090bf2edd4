"""House rules for lesson fences, checked on every page (see docs/contributing.md)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from site_build.fences import find_fences

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted((ROOT / "docs").rglob("*.md"))

FORBIDDEN = {
    r"\bnp\.random\.(seed|rand|randn|randint|random|normal|uniform|choice|shuffle|permutation)\(": "global numpy randomness: use rng = np.random.default_rng(seed)",
    r"\bimport matplotlib\.pyplot|\bplt\.": "pyplot keeps global figures: draw inside downhill.figures.figure(...)",
    r"\.savefig\(": "save figures through print(fig), which makes them accessible and scheme-aware",
    r"\brcParams\b|\bmpl\.use\(|\bmatplotlib\.use\(": "one course style, applied per figure by downhill.figures",
}


@pytest.mark.parametrize(
    "page", PAGES, ids=[p.relative_to(ROOT).as_posix() for p in PAGES]
)
def test_fences_follow_the_house_rules(page):
    for fence in find_fences(page.read_text(encoding="utf8")):
        if not fence.is_python:
            continue
        where = f"{page.relative_to(ROOT)}:{fence.line}"
        assert "session=" not in fence.info, (
            f"{where}: fences stand alone, no markdown-exec sessions"
        )
        for pattern, why in FORBIDDEN.items():
            assert not re.search(pattern, fence.code), f"{where}: {why}"
        if fence.executes and "figure(" in fence.code:
            assert 'html="1"' in fence.info or 'html="true"' in fence.info, (
                f'{where}: figure fences need html="1"'
            )
