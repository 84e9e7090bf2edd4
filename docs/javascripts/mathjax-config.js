// MathJax 3 configuration: typeset only what pymdownx.arithmatex marked as math.
// MathJax itself is served from this site (assets/mathjax/tex-svg.js), never a CDN.
window.MathJax = {
  tex: {
    inlineMath: [["\\(", "\\)"]],
    displayMath: [["\\[", "\\]"]],
    processEscapes: true,
    processEnvironments: true,
  },
  options: {
    ignoreHtmlClass: ".*|",
    processHtmlClass: "arithmatex",
  },
  svg: { fontCache: "global" },
};

// Material's instant navigation swaps pages without reloading: typeset again.
document$.subscribe(() => {
  if (!window.MathJax.typesetPromise) return; // first page: MathJax typesets on load
  MathJax.typesetClear();
  MathJax.texReset();
  MathJax.typesetPromise();
});
