// Open any figure full-screen for a closer look. Loaded only by pages that have
// figures (the build adds it after their content). Material's instant navigation
// runs this file again on every such page: the listeners are added once, on the
// document, so they also serve figures of pages reached later.
(() => {
  const reveal = () => document.querySelectorAll(".dh-figure__open[hidden]").forEach((button) => { button.hidden = false; });
  reveal();
  if (window.__downhillFigures) return;
  window.__downhillFigures = true;

  // The figure's panels move into a modal dialog and back when it closes (moved,
  // not copied: their ids stay unique). Escape closes it, as any modal dialog.
  const open = (figure) => {
    const panels = figure.querySelector(".dh-figure__panels");
    const button = figure.querySelector(".dh-figure__open");
    if (!panels || figure.closest("dialog")) return;
    const named = panels.querySelector('svg[role="img"]');
    const dialog = document.createElement("dialog");
    dialog.className = "dh-figure-dialog";
    dialog.setAttribute("aria-label", named ? named.getAttribute("aria-label") : "Figure");
    const close = document.createElement("button");
    close.type = "button";
    close.className = "dh-figure-dialog__close";
    close.setAttribute("aria-label", "Close the full-screen figure");
    close.textContent = "\u00d7";
    const caption = figure.querySelector("figcaption");
    const holder = document.createElement("div");
    holder.className = "dh-figure-dialog__body";
    // As wide as the screen, but no wider than keeps a row of the panels within its height.
    const boxes = [...panels.querySelectorAll("svg")].map((svg) => svg.viewBox.baseVal).filter((box) => box && box.height);
    if (boxes.length) {
      const ratio = boxes.reduce((sum, box) => sum + box.width, 0) / Math.max(...boxes.map((box) => box.height));
      holder.style.maxWidth = `max(20rem, calc((100dvh - 6rem) * ${ratio.toFixed(3)}))`;
    }
    const placeholder = document.createComment("figure panels shown full-screen");
    panels.replaceWith(placeholder);
    holder.append(panels);
    if (caption) holder.append(Object.assign(caption.cloneNode(true), { className: "dh-figure-dialog__caption" }));
    dialog.append(close, holder);
    document.body.append(dialog);
    close.addEventListener("click", () => dialog.close());
    dialog.addEventListener("click", (event) => { if (event.target === dialog) dialog.close(); });
    dialog.addEventListener("close", () => {
      placeholder.replaceWith(panels);
      dialog.remove();
      if (button && document.contains(button)) button.focus({ preventScroll: true });
    });
    dialog.showModal();
    close.focus({ preventScroll: true });
  };

  document.addEventListener("click", (event) => {
    const target = event.target instanceof Element ? event.target : null;
    const trigger = target && target.closest(".dh-figure__open, .dh-figure__panels");
    if (!trigger || trigger.closest("dialog")) return;
    const figure = trigger.closest(".dh-figure");
    if (figure) open(figure);
  });
  // Material replaces the page on instant navigation: a dialog left open goes with it.
  if (window.document$) window.document$.subscribe(() => { reveal(); document.querySelectorAll("dialog.dh-figure-dialog[open]").forEach((d) => d.close()); });
})();
