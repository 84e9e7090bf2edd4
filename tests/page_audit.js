// What a reader would see wrong on the page now displayed: formulas left as raw TeX or
// collapsed, and
// figures that are hidden, unnamed, or whose text is too faint on what lies behind it (the
// page background, or the figure's own fill or image where text is drawn on one).
// Run by tests/test_pages_in_browser.py through page.evaluate; returns plain data.
async () => {
  const root = document.querySelector("article") || document.body;
  const describe = (el) => (el.getAttribute("aria-label") || el.getAttribute("alt") || el.outerHTML).slice(0, 90);

  // --- formulas (typeset at build time by KaTeX: HTML for the eye, MathML for screen readers)
  const math = [];
  for (const el of root.querySelectorAll(".arithmatex")) {
    if (!el.querySelector(".katex")) math.push(`not typeset: ${el.textContent.trim().slice(0, 80)}`);
  }
  for (const el of root.querySelectorAll(".katex-error")) math.push(`KaTeX error: ${(el.title || el.textContent).slice(0, 80)}`);
  for (const el of root.querySelectorAll(".katex")) {
    const tex = (el.querySelector("annotation") || el).textContent.trim().slice(0, 60);
    const shown = el.querySelector(".katex-html") || el;
    if (!shown.getClientRects().length) continue; // in a closed <details> or a hidden tab
    const box = shown.getBoundingClientRect();
    if (box.width < 2 || box.height < 2) math.push(`collapsed to ${Math.round(box.width)} x ${Math.round(box.height)} px: ${tex}`);
    const mathml = el.querySelector(".katex-mathml");
    if (mathml && mathml.getBoundingClientRect().width > 1) math.push(`KaTeX's stylesheet not applied (its MathML shows): ${tex}`);
  }
  const rawTex = /\\\(|\\\)|\\\[|\\\]|\$\$|\$[^$\s][^$]*\$/;
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
    acceptNode: (node) =>
      node.parentElement.closest("pre, code, script, style, textarea, .katex, .arithmatex")
        ? NodeFilter.FILTER_REJECT
        : NodeFilter.FILTER_ACCEPT,
  });
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const found = node.textContent.match(rawTex);
    if (found) math.push(`raw TeX in the text: ...${node.textContent.slice(Math.max(0, found.index - 30), found.index + 50)}...`);
  }

  // --- colours --------------------------------------------------------------------------
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = 1;
  const ctx = canvas.getContext("2d", { willReadFrequently: true });
  const rgba = (css) => {  // any CSS colour as [r, g, b, alpha 0-1]
    ctx.clearRect(0, 0, 1, 1);
    ctx.fillStyle = "rgba(0, 0, 0, 0)";
    ctx.fillStyle = css;
    ctx.fillRect(0, 0, 1, 1);
    const d = ctx.getImageData(0, 0, 1, 1).data;
    return [d[0], d[1], d[2], d[3] / 255];
  };
  const over = ([r, g, b, a], [R, G, B]) => [r * a + R * (1 - a), g * a + G * (1 - a), b * a + B * (1 - a)];
  const background = (el) => {  // the opaque colour behind an element: its ancestors' backgrounds composed
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = rgba(getComputedStyle(e).backgroundColor);
      if (c[3] > 0) layers.push(c);
      if (c[3] >= 1) break;
    }
    return layers.reverse().reduce((below, layer) => over(layer, below), [255, 255, 255]);
  };
  const luminance = (rgb) => {
    const [r, g, b] = rgb.map((v) => { v /= 255; return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const contrast = (a, b) => {
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
  };
  const opacity = (el, stop) => {  // opacity and fill-opacity multiplied up to the figure
    let o = 1;
    for (let e = el; e && e !== stop.parentElement; e = e.parentElement) {
      const s = getComputedStyle(e);
      o *= parseFloat(s.opacity) * (parseFloat(s.fillOpacity) || (s.fillOpacity === "0" ? 0 : 1));
    }
    return o;
  };

  // --- figures ------------------------------------------------------------------------
  const reveal = (el) => {  // open collapsed blocks and select the tab a figure sits in
    for (let d = el.closest("details"); d; d = d.parentElement.closest("details")) d.open = true;
    for (let block = el.closest(".tabbed-block"); block; block = block.parentElement.closest(".tabbed-block")) {
      const set = block.closest(".tabbed-set");
      const index = [...block.parentElement.children].indexOf(block);
      const input = set.querySelectorAll(":scope > input")[index];
      if (input) input.checked = true;
    }
  };
  const pixels = new Map();  // <image> -> canvas context holding its bitmap
  const imagePixel = async (image, x, y) => {
    if (!pixels.has(image)) {
      const bitmap = new Image();
      bitmap.src = image.getAttribute("href") || image.getAttribute("xlink:href");
      await bitmap.decode();
      const c = document.createElement("canvas");
      [c.width, c.height] = [bitmap.naturalWidth, bitmap.naturalHeight];
      const context = c.getContext("2d", { willReadFrequently: true });
      context.drawImage(bitmap, 0, 0);
      pixels.set(image, context);
    }
    const context = pixels.get(image);
    // through the image's own transform (matplotlib flips its images vertically)
    const p = new DOMPoint(x, y).matrixTransform(image.getScreenCTM().inverse());
    const [left, top] = [image.x.baseVal.value, image.y.baseVal.value];
    const [width, height] = [image.width.baseVal.value, image.height.baseVal.value];
    const px = Math.min(context.canvas.width - 1, Math.max(0, Math.floor((p.x - left) / width * context.canvas.width)));
    const py = Math.min(context.canvas.height - 1, Math.max(0, Math.floor((p.y - top) / height * context.canvas.height)));
    const d = context.getImageData(px, py, 1, 1).data;
    return [d[0], d[1], d[2], d[3] / 255];
  };
  const behind = async (text, svg, page) => {  // what is painted under the middle of a text
    let box = text.getBoundingClientRect();
    if (box.top < 0 || box.bottom > innerHeight) {  // elementsFromPoint sees the viewport only
      text.scrollIntoView({ block: "center" });
      box = text.getBoundingClientRect();
    }
    const [x, y] = [box.left + box.width / 2, box.top + box.height / 2];
    const layers = [];
    for (const el of document.elementsFromPoint(x, y)) {
      if (el === svg) break;
      // skip glyphs; a text's own box (matplotlib's bbox=...) is kept: the text sits on it
      if (!svg.contains(el) || el.closest("text") || (el.tagName === "use" && el.closest("g.dh-text"))) continue;
      if (el.tagName === "image") {
        const [r, g, b, a] = await imagePixel(el, x, y);
        layers.push([r, g, b, a * opacity(el, svg)]);
      } else {
        const [r, g, b, a] = rgba(getComputedStyle(el).fill);
        if (a > 0) layers.push([r, g, b, a * opacity(el, svg)]);
      }
    }
    return layers.reverse().reduce((below, layer) => over(layer, below), page);
  };
  const figures = [];
  const candidates = [...root.querySelectorAll("svg, img")].filter((el) =>
    !el.closest(".katex, .twemoji, .md-content__button, .md-icon") && !el.parentElement.closest("svg"));
  for (const el of candidates) {
    reveal(el);
    const problems = [];
    const box = el.getBoundingClientRect();
    const visible = el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true }) && box.width >= 16 && box.height >= 16;
    if (!visible) {
      problems.push(`not visible (${Math.round(box.width)} x ${Math.round(box.height)} px)`);
    }
    const name = el.tagName === "IMG"
      ? (el.getAttribute("alt") || el.getAttribute("aria-label") || "").trim()
      // role=group: an interactive diagram (the explorer's), named, with focusable parts
      : ["img", "group"].includes(el.getAttribute("role")) && (el.getAttribute("aria-label") ||
        (el.getAttribute("aria-labelledby") || "").split(/\s+/).map((id) => document.getElementById(id)?.textContent || "").join(" ")).trim();
    // A figure's second and later panels are hidden from screen readers: its first names it.
    const panelOfNamed = el.getAttribute("aria-hidden") === "true" &&
      el.closest(".dh-figure")?.querySelector('svg.dh-figure__svg[role="img"][aria-label]');
    if (!name && !panelOfNamed) problems.push("no accessible name (alt text, or role=img with aria-label)");
    let texts = 0, worst = null;
    if (el.tagName !== "IMG" && visible) {
      const page = background(el);
      for (const text of el.querySelectorAll("text, g.dh-text")) {
        const ink = text.tagName === "text" ? text : text.querySelector("use") || text;  // a glyph
        const style = getComputedStyle(ink);
        if (style.display === "none" || style.visibility === "hidden") continue;
        const under = await behind(text, el, page);
        const [r, g, b, a] = rgba(style.fill);
        const ratio = contrast(over([r, g, b, a * opacity(ink, el)], under), under);
        texts += 1;
        if (!worst || ratio < worst.ratio) worst = { ratio, fill: style.fill, under, text: text.textContent.trim().slice(0, 40) };
      }
      if (worst && worst.ratio < 4.5) {
        problems.push(`text contrast ${worst.ratio.toFixed(2)}:1 < 4.5:1 (${worst.fill} on rgb(${worst.under.map(Math.round)})` +
          `${worst.text ? `, "${worst.text}"` : ""})`);
      }
    }
    figures.push({ figure: describe(el), problems, texts, worst: worst && worst.ratio });
  }
  return { math, figures };
}
