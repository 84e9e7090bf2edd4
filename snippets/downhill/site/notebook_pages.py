"""Lab pages (notebooks rendered by mkdocs-jupyter) made to fit the site.

mkdocs-jupyter inlines JupyterLab's stylesheet (about 600 KB) and scripts
(clipboard buttons, a MathJax 2 configuration, Mermaid from a CDN) into every
notebook page. The site needs none of them: ``lean`` removes them and hands
the page to the site's own machinery instead:

* code cells become Material code blocks (its colours in light and dark, its copy button);
* ``$...$`` and ``$$...$$`` in Markdown become arithmatex spans, typeset by the
  the build's KaTeX (downhill.site.math) like every other page;
* a few rules in downhill.css lay out cells and outputs.
"""

from __future__ import annotations

import re

SCRIPT = re.compile(r"<script\b.*?</script>\s*", re.S)
STYLE = re.compile(r"<style\b.*?</style>\s*", re.S)
CLIPBOARD = re.compile(r'<div class="zeroclipboard-container">.*?</clipboard-copy>\s*</div>\s*', re.S)
CLIPBOARD_TEXT = re.compile(r'<div (?:id="cell-\d+" )?class="clipboard-copy-txt"[^>]*>.*?</div>\s*', re.S)
FOCUSABLE = re.compile(r'(<div class="jp-[^"]*"[^>]*?)\s+tabindex="0"')  # cells are not controls: keep Tab for links
CODE = re.compile(r'<div class="highlight-ipynb hl-(?P<lang>\w+)[^"]*"><pre><span></span>(?P<code>.*?)</pre>', re.S)
VERBATIM = re.compile(r"(<pre\b.*?</pre>|<svg\b.*?</svg>|<code\b.*?</code>)", re.S)
DISPLAY_MATH = re.compile(r"\$\$(.+?)\$\$", re.S)
INLINE_MATH = re.compile(r"(?<![\\$\w])\$(?!\s)([^$\n]+?)(?<!\s)\$(?![\w$])")


def lean(html: str) -> str:
    for pattern in (SCRIPT, STYLE, CLIPBOARD, CLIPBOARD_TEXT):
        html = pattern.sub("", html)
    html = FOCUSABLE.sub(r"\1", html)
    html = CODE.sub(lambda m: f'<div class="language-{m["lang"]} highlight"><pre><code>{m["code"]}</code></pre>', html)
    return "".join(part if VERBATIM.fullmatch(part) else math(part) for part in VERBATIM.split(html))


def math(html: str) -> str:
    html = DISPLAY_MATH.sub(lambda m: f'<div class="arithmatex">\\[{m[1]}\\]</div>', html)
    return INLINE_MATH.sub(lambda m: f'<span class="arithmatex">\\({m[1]}\\)</span>', html)

