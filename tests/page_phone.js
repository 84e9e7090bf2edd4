// What a reader on a phone would see wrong on the page now displayed: display formulas
// collapsed or clipped, anything but a scroll box wider than the screen, and figure text
// too small to read. Run by tests/test_pages_in_browser.py at a phone viewport; returns
// plain data (the tests judge it).
() => {
  const root = document.querySelector("article") || document.body;
  const width = document.documentElement.clientWidth;
  const describe = (el) => {
    const label = el.getAttribute("aria-label") || el.textContent.trim().replace(/\s+/g, " ");
    return `<${el.tagName.toLowerCase()}${el.className && typeof el.className === "string" ? ` class="${el.className}"` : ""}> ${label.slice(0, 60)}`;
  };
  const scrolls = (el) => ["auto", "scroll"].includes(getComputedStyle(el).overflowX);
  // the nearest ancestor that scrolls sideways (a code block, a table, a formula box), if any
  const scrollBox = (el) => {
    for (let e = el.parentElement; e && e !== document.body; e = e.parentElement) if (scrolls(e)) return e;
    return null;
  };
  // the nearest ancestor that hides what sticks out of it, and is itself within the screen
  const clippedBy = (el) => {
    for (let e = el.parentElement; e && e !== document.body; e = e.parentElement) {
      if (["hidden", "clip"].includes(getComputedStyle(e).overflowX)) return e.getBoundingClientRect().right <= width + 1 ? e : null;
    }
    return null;
  };
  const visible = (el) => el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true });

  // --- display formulas: a real box, inside the screen or scrolling in their own box ----
  for (const d of root.querySelectorAll("details")) d.open = true;  // what a reader can open, checked open
  const formulas = [];
  for (const block of root.querySelectorAll("div.arithmatex, .katex-display")) {
    if (block.parentElement.closest("div.arithmatex, .katex-display")) continue;  // one per formula
    if (!visible(block)) continue;  // in a tab not shown
    // the drawn formula: MathJax's SVG or KaTeX's HTML (not its screen-reader MathML)
    const drawn = block.querySelector("mjx-container svg, .katex-html") || block;
    const box = drawn.getBoundingClientRect();
    const problems = [];
    if (box.width < 8 || box.height < 8) problems.push(`collapsed to ${box.width.toFixed(0)} x ${box.height.toFixed(0)} px`);
    // sticking out of its own box is fine only where a box between them scrolls sideways
    const outer = block.getBoundingClientRect();
    const holder = scrollBox(drawn);
    const scrollsHere = holder && (holder === block || block.contains(holder));
    if ((box.right > outer.right + 1 || box.left < outer.left - 1) && !scrollsHere) problems.push("clipped by its box");
    if (box.right > width + 1 && !holder) problems.push(`runs off the screen (right edge at ${box.right.toFixed(0)} px)`);
    formulas.push({ formula: (block.textContent || "").trim().slice(0, 60), width: box.width, height: box.height, problems });
  }

  // --- nothing wider than the screen but scroll boxes ---------------------------------
  const wide = [];
  const page = document.documentElement.scrollWidth;
  if (page > width + 1) wide.push(`the page scrolls sideways: ${page} px wide on a ${width} px screen`);
  for (const el of document.body.querySelectorAll("*")) {
    if (el.ownerSVGElement) continue;  // a drawing's parts: its <svg> is checked
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.right <= width + 1) continue;
    if (scrollBox(el) || clippedBy(el) || !visible(el)) continue;
    if (el.closest(".md-sidebar, .md-search, .md-header, .md-tabs, .md-dialog, dialog")) continue;  // off-canvas drawers
    wide.push(`${describe(el)} reaches ${box.right.toFixed(0)} px`);
    if (wide.length > 8) break;
  }

  // --- figure text size as laid out: the glyphs' font size in CSS px ----------------
  // matplotlib draws each text as glyph outlines in a group scaled by (font size in pt) / 100;
  // the group's screen transform folds in how much the page shrank the figure.
  const sizes = [];
  for (const text of root.querySelectorAll("svg.dh-figure__svg g.dh-text")) {
    if (!visible(text)) continue;
    const glyphs = text.querySelector("g[transform*='scale'], use[transform*='scale']");
    const m = glyphs && glyphs.getScreenCTM();
    if (m) sizes.push(100 * Math.hypot(m.a, m.b));
  }
  return { formulas, wide, textSizes: sizes };
}
