// Downhill network explorer: draw a digit and watch the course's trained network read it.
//
// Markdown embeds it with one line:
//   <div class="dh-explorer"></div>
// (optional presets: data-digit="12" starts on test digit 12 of 1,000, data-right="2" and
// data-down="1" move it, data-noise="pure" starts from an image of random pixels).
//
// Its parts, in the order of this file:
//   1. Files: the trained network (explorer/network.bin) and the 1,000 test digits
//      (explorer/digits.bin), written by the site build from the lessons' cached training
//      run (snippets/downhill/export.py documents the layout). They are fetched once, when
//      an explorer scrolls into view or the reader presses Start; a missing, truncated or
//      corrupt file (its header, length and CRC-32 are checked) becomes a message in the
//      widget, and the rest of the page keeps working.
//   2. The network: the forward pass of downhill.network.forward, a = sigma(W a' + b)
//      layer by layer, in float64; tests/test_explorer.py compares it with Python.
//   3. Preprocessing, as MNIST made its digits: the drawing's ink is cut to its bounding
//      box, scaled (aspect kept) to fit a 20 x 20 box by averaging the pixels each cell
//      covers, its darkest cell set to 1, and placed in the 28 x 28 grid so that its centre
//      of mass sits at the grid's centre. Grey levels 0 (blank) to 1 (ink), as the
//      training digits (bytes / 255). Shifts slide the 28 x 28 input with blank pixels
//      coming in, as the lesson "What did it learn?" shifts its test digits.
//   4. The widget: drawing surface (pointer events: mouse, pen and touch; touch-action:
//      none, so a finger draws instead of scrolling), the 784 inputs, the network diagram
//      (brightness = activation; hover or focus a hidden neuron to see its incoming
//      weights), the ten outputs, the test digits and the experiments. A live region says
//      the answer once per finished stroke or action.
//   5. Start: every .dh-explorer of the page, on each page Material shows (instant
//      navigation included).
// Plain JavaScript, no framework, nothing loaded from elsewhere.
(function () {
  "use strict";
  if (window.DownhillExplorer) return; // instant navigation runs this file again

  const SIDE = 28;
  const PIXELS = SIDE * SIDE;
  const BOX = 20; // MNIST's digits are scaled to fit 20 x 20 ...
  const CANVAS = 280; // ... from our drawing surface, 280 x 280 canvas pixels
  const PENS = [12, 18, 24, 30, 38]; // pen widths in canvas pixels
  const ADDED_NOISE = 0.25; // "Add noise": every pixel moves by up to this much
  const FILES = new URL("../explorer/", document.currentScript ? document.currentScript.src : location.href);

  // ---- 1. Files ------------------------------------------------------------------------
  class FileProblem extends Error {}

  const CRC_TABLE = (() => {
    const table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
    return table;
  })();

  function crc32(bytes) {
    let c = 0xffffffff;
    for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  }

  function header(buffer, name, words, what) {
    if (buffer.byteLength < 8 + 4 * words) throw new FileProblem(`${what} is too short (${buffer.byteLength} bytes)`);
    const found = new TextDecoder().decode(new Uint8Array(buffer, 0, 8));
    if (found !== name) throw new FileProblem(`${what} is not a Downhill ${name} file`);
    const view = new DataView(buffer);
    return Array.from({ length: words }, (_, i) => view.getUint32(8 + 4 * i, true));
  }

  function payload(buffer, start, size, crc, what) {
    if (buffer.byteLength !== start + size) {
      throw new FileProblem(`${what} should hold ${start + size} bytes but holds ${buffer.byteLength}: it is truncated or padded`);
    }
    const data = new Uint8Array(buffer, start);
    if (crc32(data) !== crc) throw new FileProblem(`${what} is corrupt (its checksum does not match)`);
    return data;
  }

  function parseWeights(buffer) {
    const what = "the network file";
    const [version, layers] = header(buffer, "DHWEIGHT", 2, what);
    if (version !== 1 || layers < 2 || layers > 10) throw new FileProblem(`${what} has an unknown layout`);
    const words = header(buffer, "DHWEIGHT", 4 + layers, what);
    const sizes = words.slice(2, 2 + layers);
    const [count, crc] = words.slice(2 + layers);
    let expected = 0;
    for (let l = 1; l < layers; l++) expected += sizes[l - 1] * sizes[l] + sizes[l];
    if (count !== expected || sizes[0] !== PIXELS) throw new FileProblem(`${what} describes an unexpected network`);
    const start = 8 + 4 * (4 + layers);
    payload(buffer, start, 8 * count, crc, what);
    const view = new DataView(buffer, start);
    let at = 0;
    const next = (n) => Float64Array.from({ length: n }, () => view.getFloat64(8 * at++, true));
    const W = [], b = [];
    for (let l = 1; l < layers; l++) {
      W.push(next(sizes[l - 1] * sizes[l]));
      b.push(next(sizes[l]));
    }
    if (W.some((w) => w.some((v) => !Number.isFinite(v)))) throw new FileProblem(`${what} holds a value that is not a number`);
    return { sizes, W, b };
  }

  function parseDigits(buffer) {
    const what = "the test digits file";
    const [version, count, rows, columns, crc] = header(buffer, "DHDIGITS", 5, what);
    if (version !== 1 || rows !== SIDE || columns !== SIDE) throw new FileProblem(`${what} has an unknown layout`);
    const data = payload(buffer, 28, count * (1 + PIXELS), crc, what);
    const labels = data.slice(0, count);
    const images = [];
    for (let i = 0; i < count; i++) {
      const bytes = data.subarray(count + i * PIXELS, count + (i + 1) * PIXELS);
      images.push(Float64Array.from(bytes, (v) => v / 255));
    }
    return { labels, images };
  }

  async function fetchFile(name, parse) {
    let response;
    try {
      response = await fetch(new URL(name, FILES));
    } catch (error) {
      throw new FileProblem(`${name} could not be fetched (${error.message})`);
    }
    if (!response.ok) throw new FileProblem(`${name} is missing (HTTP ${response.status})`);
    return parse(await response.arrayBuffer());
  }

  let loading = null; // one download for every explorer of the page, and of later pages
  function loadFiles() {
    if (!loading) {
      loading = Promise.all([fetchFile("network.bin", parseWeights), fetchFile("digits.bin", parseDigits)])
        .then(([net, digits]) => ({ net, digits, answers: digits.images.map((x) => argmax(forward(net, x).at(-1))) }));
      loading.catch(() => (loading = null)); // a later Start tries again
    }
    return loading;
  }

  // ---- 2. The network -------------------------------------------------------------------
  // Every layer's activations for one input x (784 values): [x, hidden 1, hidden 2, outputs].
  function forward(net, x) {
    const activations = [x];
    let a = x;
    net.W.forEach((W, l) => {
      const n = net.sizes[l + 1], m = net.sizes[l];
      const out = new Float64Array(n);
      for (let j = 0; j < n; j++) {
        let sum = 0;
        for (let k = 0; k < m; k++) sum += W[j * m + k] * a[k];
        out[j] = 1 / (1 + Math.exp(-(sum + net.b[l][j])));
      }
      activations.push(out);
      a = out;
    });
    return activations;
  }

  const aDigit = (d) => (d === 8 ? "an 8" : `a ${d}`); // "a 7", "an 8"
  const argmax = (values) => values.reduce((best, v, i) => (v > values[best] ? i : best), 0);

  // ---- 3. Preprocessing -----------------------------------------------------------------
  // The share of source pixel k that the interval [from, to) covers, summed per cell.
  function boxAverage(grey, width, x0, y0, w, h, tw, th) {
    const out = new Float64Array(tw * th);
    const sx = w / tw, sy = h / th;
    for (let j = 0; j < th; j++) {
      const top = j * sy, bottom = (j + 1) * sy;
      for (let y = Math.floor(top); y < Math.ceil(bottom); y++) {
        const wy = Math.min(bottom, y + 1) - Math.max(top, y);
        for (let i = 0; i < tw; i++) {
          const left = i * sx, right = (i + 1) * sx;
          let sum = 0;
          for (let x = Math.floor(left); x < Math.ceil(right); x++) {
            sum += (Math.min(right, x + 1) - Math.max(left, x)) * grey[(y0 + y) * width + x0 + x];
          }
          out[j * tw + i] += wy * sum;
        }
      }
    }
    return out.map((v) => v / (sx * sy));
  }

  // Ink (0-1, size x size, row by row) as MNIST's 784 inputs, or null when there is none.
  function preprocess(grey, size) {
    let x0 = size, y0 = size, x1 = -1, y1 = -1;
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        if (grey[y * size + x] > 0) {
          x0 = Math.min(x0, x); x1 = Math.max(x1, x);
          y0 = Math.min(y0, y); y1 = Math.max(y1, y);
        }
      }
    }
    if (x1 < 0) return null;
    const w = x1 - x0 + 1, h = y1 - y0 + 1, longest = Math.max(w, h);
    const tw = Math.max(1, Math.round((BOX * w) / longest)), th = Math.max(1, Math.round((BOX * h) / longest));
    const small = boxAverage(grey, size, x0, y0, w, h, tw, th);
    const top = Math.max(...small);
    if (!(top > 0)) return null;
    let mass = 0, cx = 0, cy = 0;
    small.forEach((v, k) => { mass += v / top; cx += ((k % tw) * v) / top; cy += (Math.floor(k / tw) * v) / top; });
    const place = (centre, extent) => Math.min(SIDE - extent, Math.max(0, Math.round((SIDE - 1) / 2 - centre / mass)));
    const ox = place(cx, tw), oy = place(cy, th);
    const input = new Float64Array(PIXELS);
    small.forEach((v, k) => { input[(oy + Math.floor(k / tw)) * SIDE + ox + (k % tw)] = Math.min(1, v / top); });
    return input;
  }

  // The 28 x 28 input slid right by dx and down by dy (negative: left, up), blank pixels in.
  function shift(x, dx, dy) {
    const out = new Float64Array(PIXELS);
    for (let r = 0; r < SIDE; r++) {
      for (let c = 0; c < SIDE; c++) {
        const fr = r - dy, fc = c - dx;
        if (fr >= 0 && fr < SIDE && fc >= 0 && fc < SIDE) out[r * SIDE + c] = x[fr * SIDE + fc];
      }
    }
    return out;
  }

  // ---- 4. The widget --------------------------------------------------------------------
  const SVG_NS = "http://www.w3.org/2000/svg";
  function el(tag, attributes = {}, ...children) {
    const node = tag.startsWith("svg:") ? document.createElementNS(SVG_NS, tag.slice(4)) : document.createElement(tag);
    for (const [key, value] of Object.entries(attributes)) {
      if (key === "text") node.textContent = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value);
    }
    node.append(...children);
    return node;
  }
  const button = (text, onclick, label) => el("button", { type: "button", class: "md-button", text, onclick, ...(label ? { "aria-label": label } : {}) });
  const fmt = (v) => v.toFixed(2);
  const grey = (v) => { const g = Math.round(255 * v); return `rgb(${g},${g},${g})`; };
  // weights: blue (negative) through white to red (positive), as the lesson's pictures
  function diverging(v, limit) {
    const t = Math.max(-1, Math.min(1, v / limit));
    const [r, g, b] = t >= 0 ? [247 + (178 - 247) * t, 247 + (24 - 247) * t, 247 + (43 - 247) * t]
      : [247 + (33 - 247) * -t, 247 + (102 - 247) * -t, 247 + (172 - 247) * -t];
    return [r, g, b].map(Math.round);
  }

  let counter = 0;
  class Explorer {
    constructor(root) {
      this.root = root;
      this.id = `dh-ex-${++counter}`;
      this.strokes = []; // each a list of [x, y] in canvas pixels
      this.pen = 2; // index into PENS
      this.source = null; // the 784 inputs before shifts and noise (null: empty drawing)
      this.kind = "drawing"; // or "test", "noise"
      this.digit = 0; // the test digit shown, when kind is "test"
      this.dx = 0; this.dy = 0;
      this.noise = null;
      this.focus = [1, 0]; // the hidden neuron whose weights are shown: layer 1 or 2, index
      this.build();
    }

    // -- layout
    build() {
      const id = this.id;
      this.startButton = button("Start the explorer", () => this.start());
      this.intro = el("div", { class: "dh-ex__intro" },
        el("p", { text: "The explorer loads the trained network and the 1,000 test digits when it scrolls into view." }),
        this.startButton);
      this.error = el("p", { class: "dh-ex__error", role: "alert" });
      this.main = el("div", { class: "dh-ex__main", hidden: "" }); // in the page once loaded
      this.root.replaceChildren(this.intro, this.error);

      // the drawing and the inputs
      this.canvas = el("canvas", { class: "dh-ex__canvas", width: CANVAS, height: CANVAS, role: "img",
        "aria-label": "Drawing surface: draw one digit here with a mouse, a pen or a finger" });
      this.ctx = this.canvas.getContext("2d", { willReadFrequently: true });
      this.hint = el("p", { class: "dh-ex__hint", "aria-hidden": "true" });
      this.penLabel = el("span", { class: "dh-ex__pen" });
      const tools = el("div", { class: "dh-ex__buttons" },
        button("Undo", () => this.undo(), "Undo the last stroke"),
        button("Clear", () => this.clear(), "Clear the drawing"),
        button("Thinner", () => this.setPen(-1), "Thinner pen"),
        button("Thicker", () => this.setPen(1), "Thicker pen"),
        this.penLabel);
      this.pixels = el("canvas", { class: "dh-ex__pixels", width: SIDE, height: SIDE, role: "img",
        "aria-label": "The 784 inputs the network sees, as a 28 by 28 image" });
      this.pixelsCtx = this.pixels.getContext("2d");
      const draw = el("div", { class: "dh-ex__draw" }, this.canvas, this.hint);
      const inputs = el("figure", { class: "dh-ex__inputs" }, this.pixels,
        el("figcaption", { text: "The 784 inputs the network sees: your digit scaled into a 20 × 20 box and centred by its centre of mass in 28 × 28." }));
      const note = el("p", { class: "dh-ex__note" }, el("strong", { text: "Why yours is harder. " }),
        "The network learned from 4,000 MNIST digits, written with a pen on paper. Yours differ in stroke width, in where the ink sits and in style (a barred 7, a 4 closed at the top). The preprocessing undoes size and position, not style: draw large, upright, with a thick pen.");
      this.main.append(el("div", { class: "dh-ex__top" }, draw, inputs), tools, note);

      // the answer, the network, the weights of one neuron
      this.answer = el("p", { class: "dh-ex__answer" });
      this.diagram = this.buildDiagram();
      this.weightsCanvas = el("canvas", { class: "dh-ex__weights-image", width: SIDE, height: SIDE, role: "img" });
      this.weightsText = el("p", { class: "dh-ex__weights-text", id: `${id}-weights` });
      this.main.append(this.answer, this.diagram,
        el("div", { class: "dh-ex__weights" }, this.weightsCanvas, this.weightsText));

      // the experiments
      this.digitInput = el("input", { type: "number", min: 1, max: 1000, value: 1, id: `${id}-digit`, class: "dh-ex__number" });
      this.digitInput.addEventListener("change", () => this.showDigit(Number(this.digitInput.value) - 1));
      this.digitInfo = el("p", { class: "dh-ex__digit-info" });
      this.moved = el("span", { class: "dh-ex__moved" });
      this.accuracy = el("p", { class: "dh-ex__accuracy" });
      this.status = el("p", { class: "dh-ex__status", role: "status", "aria-live": "polite" });
      this.main.append(
        el("div", { class: "dh-ex__experiments" },
          el("div", { class: "dh-ex__buttons" },
            el("label", { for: `${id}-digit`, text: "Test digit (1 to 1,000)" }), this.digitInput,
            button("Previous", () => this.showDigit(this.digit - 1), "Previous test digit"),
            button("Next", () => this.showDigit(this.digit + 1), "Next test digit"),
            button("Next mistake", () => this.nextMistake(), "Next test digit the network gets wrong")),
          this.digitInfo,
          el("div", { class: "dh-ex__buttons" },
            el("span", { text: "Move:" }),
            button("←", () => this.move(-1, 0), "Move left one pixel"),
            button("→", () => this.move(1, 0), "Move right one pixel"),
            button("↑", () => this.move(0, -1), "Move up one pixel"),
            button("↓", () => this.move(0, 1), "Move down one pixel"),
            this.moved),
          el("div", { class: "dh-ex__buttons" },
            button("Add noise", () => this.addNoise(), `Add noise: every pixel moves by up to ${ADDED_NOISE}`),
            button("Pure noise", () => this.pureNoise(), "Start from pure noise: every pixel random between 0 and 1")),
          this.accuracy,
          el("p", { class: "dh-ex__credit", text: "The test digits are MNIST images (Yann LeCun, Corinna Cortes, Christopher J.C. Burges; CC BY-SA 3.0) that the network never trained on." })),
        this.status);

      this.listen();
      this.setPen(0);
    }

    buildDiagram() {
      // columns: the input image, hidden 1, hidden 2, outputs with their digit and value
      const X = [4, 104, 196, 282], H = 250, top = 12;
      const svg = el("svg:svg", { class: "dh-ex__diagram", viewBox: `0 0 400 ${H}`, role: "group",
        "aria-label": "The network: 784 inputs, two hidden layers of 16 neurons and 10 outputs, each neuron as bright as its activation. Arrow keys move between the hidden neurons and show their incoming weights." });
      const ys = (n) => Array.from({ length: n }, (_, i) => top + ((H - 2 * top) * (i + 0.5)) / n);
      this.ys = [null, ys(16), ys(16), ys(10)];
      this.X = X;
      this.H = H;
      this.lines = el("svg:g", { class: "dh-ex__lines", "aria-hidden": "true" });
      this.inputImage = el("svg:image", { x: X[0], y: H / 2 - 36, width: 72, height: 72, class: "dh-ex__input-image", "aria-hidden": "true" });
      svg.append(this.lines, this.inputImage,
        el("svg:text", { x: X[0] + 36, y: H / 2 + 52, class: "dh-ex__label", "text-anchor": "middle", text: "784 inputs" }));
      this.neurons = [null, [], [], []];
      this.values = [];
      for (const l of [1, 2, 3]) {
        this.ys[l].forEach((y, j) => {
          const circle = el("svg:circle", { cx: X[l], cy: y, r: l === 3 ? 8 : 6.2, class: "dh-ex__neuron" });
          if (l < 3) {
            const name = `${l === 1 ? "First" : "Second"} hidden layer, neuron ${j + 1}`;
            const g = el("svg:g", { class: "dh-ex__focusable", tabindex: "-1", role: "button", "aria-label": name,
              "aria-describedby": `${this.id}-weights` }, circle);
            g.addEventListener("mouseenter", () => this.showWeights(l, j));
            g.addEventListener("focus", () => this.showWeights(l, j));
            g.addEventListener("keydown", (event) => this.diagramKey(event, l, j));
            svg.append(g);
            this.neurons[l].push({ node: circle, group: g });
          } else {
            const digit = el("svg:text", { x: X[3] + 14, y: y + 4.5, class: "dh-ex__digit", text: String(j) });
            const bar = el("svg:rect", { x: X[3] + 27, y: y - 5, height: 10, width: 0, class: "dh-ex__bar" });
            const value = el("svg:text", { x: 398, y: y + 4.5, class: "dh-ex__value", "text-anchor": "end" });
            svg.append(circle, digit, bar, value);
            this.neurons[3].push({ node: circle, digit, bar });
            this.values.push(value);
          }
        });
      }
      this.neurons[1][0].group.setAttribute("tabindex", "0");
      return svg;
    }

    drawLines() {
      // one line per weight between the hidden layers and to the outputs, red positive,
      // blue negative, stronger weights more opaque; from the inputs, a fan of 16 lines
      const { net } = this.data;
      let d = "";
      this.ys[1].forEach((y) => (d += `M${this.X[0] + 72},${this.H / 2}L${this.X[1]},${y}`));
      this.lines.append(el("svg:path", { d, class: "dh-ex__fan" }));
      for (const l of [2, 3]) {
        const W = net.W[l - 1], m = net.sizes[l - 1];
        const limit = Math.max(...W.map(Math.abs));
        this.ys[l].forEach((y, j) => this.ys[l - 1].forEach((y0, k) => {
          const w = W[j * m + k];
          this.lines.append(el("svg:line", { x1: this.X[l - 1], y1: y0, x2: this.X[l], y2: y,
            class: w > 0 ? "dh-ex__w-plus" : "dh-ex__w-minus", "stroke-opacity": (0.08 + 0.5 * Math.abs(w) / limit).toFixed(2) }));
        }));
      }
    }

    // -- events
    listen() {
      const at = (event) => {
        const box = this.canvas.getBoundingClientRect();
        return [((event.clientX - box.left) / box.width) * CANVAS, ((event.clientY - box.top) / box.height) * CANVAS];
      };
      this.canvas.addEventListener("pointerdown", (event) => {
        if (!this.data || event.button > 0) return;
        event.preventDefault();
        try { this.canvas.setPointerCapture(event.pointerId); } catch (error) { // a synthetic event
        }
        if (this.kind !== "drawing") this.resetTo("drawing");
        this.strokes.push([at(event)]);
        this.drawing = true;
        this.paint();
        this.update();
      });
      this.canvas.addEventListener("pointermove", (event) => {
        if (!this.drawing) return;
        event.preventDefault();
        const points = event.getCoalescedEvents ? event.getCoalescedEvents() : [event];
        this.strokes.at(-1).push(...(points.length ? points : [event]).map(at));
        this.paint();
        if (!this.frame) this.frame = requestAnimationFrame(() => { this.frame = 0; this.update(); });
      });
      const end = () => {
        if (!this.drawing) return;
        this.drawing = false;
        this.update();
        this.announce();
      };
      this.canvas.addEventListener("pointerup", end);
      this.canvas.addEventListener("pointercancel", end);
      this.canvas.addEventListener("lostpointercapture", end);
    }

    diagramKey(event, l, j) {
      const moves = { ArrowUp: [l, j - 1], ArrowDown: [l, j + 1], ArrowLeft: [1, j], ArrowRight: [2, j], Home: [l, 0], End: [l, 15] };
      if (!(event.key in moves)) return;
      event.preventDefault();
      const [nl, nj] = moves[event.key];
      const target = this.neurons[nl][Math.max(0, Math.min(15, nj))].group;
      this.neurons[1].concat(this.neurons[2]).forEach((n) => n.group.setAttribute("tabindex", n.group === target ? "0" : "-1"));
      target.focus();
    }

    // -- loading
    start() {
      if (this.data || this.loadingNow) return;
      this.loadingNow = true;
      this.startButton.disabled = true;
      this.error.textContent = "";
      this.intro.firstChild.textContent = "Loading the trained network and the 1,000 test digits…";
      loadFiles().then((data) => {
        this.data = data;
        this.intro.hidden = true;
        this.main.hidden = false;
        this.root.append(this.main);
        this.drawLines();
        const correct = data.answers.filter((a, i) => a === data.digits.labels[i]).length;
        const total = data.answers.length;
        this.accuracy.dataset.correct = correct;
        this.accuracy.textContent = `As they are, the network reads ${correct} of the ${total.toLocaleString("en")} test digits correctly: ${((100 * correct) / total).toFixed(1)}%.`;
        this.preset();
        this.showWeights(...this.focus);
      }, (problem) => {
        const why = problem instanceof FileProblem ? problem.message : `an unexpected error (${problem.message})`;
        this.error.textContent = `The explorer cannot start: ${why}. The rest of the page works; reload the page to try again.`;
        this.intro.firstChild.textContent = "The explorer could not load its files.";
        this.startButton.disabled = false;
      }).finally(() => (this.loadingNow = false));
    }

    preset() {
      const d = this.root.dataset;
      if (d.noise === "pure") this.pureNoise(true);
      else if (d.digit) {
        this.showDigit(Number(d.digit) - 1, true);
        if (d.right || d.down) this.move(Number(d.right || 0), Number(d.down || 0), true);
      } else this.clear(true);
    }

    // -- actions (each ends with one announcement)
    resetTo(kind) {
      this.kind = kind;
      this.strokes = [];
      this.dx = this.dy = 0;
      this.noise = null;
      this.source = null;
    }

    clear(quiet) {
      this.resetTo("drawing");
      this.done(quiet);
    }

    undo() {
      if (this.kind !== "drawing") this.resetTo("drawing");
      this.strokes.pop();
      this.done();
    }

    setPen(step) {
      this.pen = Math.max(0, Math.min(PENS.length - 1, this.pen + step));
      this.penLabel.textContent = `pen ${this.pen + 1} of ${PENS.length}`;
      if (this.strokes.length) this.done(); // the pen is the drawing's: redraw with it
      else if (step) this.status.textContent = `Pen width ${this.pen + 1} of ${PENS.length}.`;
    }

    showDigit(index, quiet) {
      if (!this.data) return;
      const count = this.data.digits.images.length;
      this.resetTo("test");
      this.digit = ((index % count) + count) % count;
      this.digitInput.value = this.digit + 1;
      this.source = this.data.digits.images[this.digit];
      this.done(quiet);
    }

    nextMistake() {
      const { answers, digits } = this.data;
      for (let step = 1; step <= answers.length; step++) {
        const i = (this.digit + step) % answers.length;
        if (answers[i] !== digits.labels[i]) return this.showDigit(i);
      }
    }

    move(dx, dy, quiet) {
      this.dx = Math.max(-SIDE, Math.min(SIDE, this.dx + dx));
      this.dy = Math.max(-SIDE, Math.min(SIDE, this.dy + dy));
      this.done(quiet);
    }

    addNoise() {
      const noise = this.noise || new Float64Array(PIXELS);
      this.noise = noise.map((v) => v + (2 * Math.random() - 1) * ADDED_NOISE);
      this.done();
    }

    pureNoise(quiet) {
      this.resetTo("noise");
      this.source = Float64Array.from({ length: PIXELS }, () => Math.random());
      this.done(quiet);
    }

    done(quiet) {
      this.paint();
      this.update();
      if (!quiet) this.announce();
    }

    // -- drawing and computing
    paint() {
      const ctx = this.ctx;
      ctx.fillStyle = "#000";
      ctx.fillRect(0, 0, CANVAS, CANVAS);
      ctx.strokeStyle = ctx.fillStyle = "#fff";
      ctx.lineWidth = PENS[this.pen];
      ctx.lineCap = ctx.lineJoin = "round";
      for (const stroke of this.strokes) {
        ctx.beginPath();
        ctx.moveTo(...stroke[0]);
        if (stroke.length === 1) ctx.lineTo(stroke[0][0] + 0.01, stroke[0][1]);
        for (const point of stroke.slice(1)) ctx.lineTo(...point);
        ctx.stroke();
      }
      this.hint.textContent = this.kind === "drawing" ? (this.strokes.length ? "" : "Draw a digit here")
        : this.kind === "test" ? `Showing test digit ${this.digit + 1}. Draw here to start your own.`
          : "Showing noise. Draw here to start your own.";
    }

    readDrawing() {
      if (!this.strokes.length) return null;
      const rgba = this.ctx.getImageData(0, 0, CANVAS, CANVAS).data;
      const grey = new Float64Array(CANVAS * CANVAS);
      for (let i = 0; i < grey.length; i++) grey[i] = rgba[4 * i] / 255;
      return preprocess(grey, CANVAS);
    }

    // the 784 inputs now: the source, moved, plus any added noise
    currentInput() {
      if (this.kind === "drawing") this.source = this.readDrawing();
      if (!this.source) return null;
      let x = this.dx || this.dy ? shift(this.source, this.dx, this.dy) : this.source;
      if (this.noise) x = x.map((v, k) => Math.min(1, Math.max(0, v + this.noise[k])));
      return x;
    }

    update() {
      if (!this.data) return;
      const x = this.currentInput();
      this.input = x;
      this.activations = x ? forward(this.data.net, x) : null;
      this.renderInput(x);
      const outputs = this.activations ? this.activations[3] : null;
      [1, 2].forEach((l) => this.neurons[l].forEach((n, j) => n.node.setAttribute("fill", grey(this.activations ? this.activations[l][j] : 0))));
      const top = outputs ? argmax(outputs) : -1;
      this.neurons[3].forEach((n, j) => {
        const v = outputs ? outputs[j] : 0;
        n.node.setAttribute("fill", grey(v));
        n.bar.setAttribute("width", (50 * v).toFixed(1));
        n.bar.classList.toggle("dh-ex__bar--top", j === top);
        n.digit.classList.toggle("dh-ex__digit--top", j === top);
        this.values[j].textContent = outputs ? fmt(v) : "–";
      });
      this.answer.replaceChildren(...(outputs
        ? ["The network says ", el("strong", { text: String(top) }), ` (output ${fmt(outputs[top])})`]
        : [el("strong", { text: "Draw a digit" }), ": the drawing is empty, so there is nothing to read."]));
      this.root.dataset.answer = outputs ? top : "";
      this.digitInfo.textContent = this.describeSource(top);
      const where = [this.dx && `${Math.abs(this.dx)} ${this.dx > 0 ? "right" : "left"}`, this.dy && `${Math.abs(this.dy)} ${this.dy > 0 ? "down" : "up"}`].filter(Boolean);
      this.moved.textContent = where.length ? `moved ${where.join(", ")}` : "in place";
      if (this.shown) this.showWeights(...this.shown);
    }

    describeSource(top) {
      if (this.kind === "test") {
        const label = this.data.digits.labels[this.digit];
        const verdict = top === label ? "right" : "wrong";
        return `Test digit ${this.digit + 1} of 1,000 is ${aDigit(label)}; the network says ${top}: ${verdict}${this.dx || this.dy || this.noise ? " (as changed here)" : ""}.`;
      }
      if (this.kind === "noise") return "Pure noise: every pixel a random brightness between 0 and 1, no digit at all.";
      return "Your drawing (pick a test digit above to compare with the ones it learned from).";
    }

    announce() {
      const outputs = this.activations && this.activations[3];
      if (!outputs) {
        this.status.textContent = "Draw a digit: the drawing is empty.";
        return;
      }
      const top = argmax(outputs);
      const what = this.kind === "test" ? `Test digit ${this.digit + 1}, ${aDigit(this.data.digits.labels[this.digit])}` : this.kind === "noise" ? "Noise" : "Your drawing";
      const moved = this.moved.textContent === "in place" ? "" : `, ${this.moved.textContent}`;
      this.status.textContent = `${what}${moved}${this.noise ? ", with noise" : ""}: the network says ${top}, output ${fmt(outputs[top])}.`;
    }

    renderInput(x) {
      const image = this.pixelsCtx.createImageData(SIDE, SIDE);
      for (let k = 0; k < PIXELS; k++) {
        const g = Math.round(255 * (x ? x[k] : 0));
        image.data.set([g, g, g, 255], 4 * k);
      }
      this.pixelsCtx.putImageData(image, 0, 0);
      this.inputImage.setAttribute("href", this.pixels.toDataURL());
    }

    showWeights(l, j) {
      if (!this.data) return;
      this.shown = [l, j];
      const { net } = this.data;
      const m = net.sizes[l - 1], W = net.W[l - 1].subarray(j * m, (j + 1) * m);
      const limit = Math.max(...W.map(Math.abs));
      const side = l === 1 ? SIDE : 4;
      this.weightsCanvas.width = this.weightsCanvas.height = side;
      const ctx = this.weightsCanvas.getContext("2d");
      const image = ctx.createImageData(side, side);
      W.forEach((w, k) => image.data.set([...diverging(w, limit), 255], 4 * k));
      ctx.putImageData(image, 0, 0);
      [1, 2].forEach((layer) => this.neurons[layer].forEach((n, i) => n.group.classList.toggle("dh-ex__focusable--shown", layer === l && i === j)));
      const a = this.activations ? `; its activation now: ${fmt(this.activations[l][j])}` : "";
      const what = l === 1
        ? `Neuron ${j + 1} of the first hidden layer: its 784 incoming weights, one per pixel, drawn where the pixels sit`
        : `Neuron ${j + 1} of the second hidden layer: its 16 incoming weights, one per first-layer neuron (1 to 4 on the top row)`;
      this.weightsText.textContent = `${what}. Red: positive, ink there raises its sum; blue: negative (largest size ${fmt(limit)})${a}.`;
      this.weightsCanvas.setAttribute("aria-label", `The incoming weights of ${l === 1 ? "first" : "second"}-layer neuron ${j + 1}, red and blue`);
    }
  }

  // ---- 5. Start every explorer on the page -----------------------------------------------
  function initAll() {
    document.querySelectorAll(".dh-explorer").forEach((root) => {
      if (root.explorer) return;
      const explorer = (root.explorer = new Explorer(root));
      if (!("IntersectionObserver" in window)) return explorer.start();
      const watcher = new IntersectionObserver((entries) => {
        if (entries.some((e) => e.isIntersecting)) { watcher.disconnect(); explorer.start(); }
      });
      watcher.observe(root);
    });
  }

  window.DownhillExplorer = { forward, preprocess, shift, parseWeights, parseDigits, loadFiles, crc32, FileProblem, initAll };

  // Material's document$ emits each page, instant navigation included; it exists once
  // Material's bundle has run, which is after this script when the page itself links it.
  function start() {
    if (window.document$ && typeof window.document$.subscribe === "function") window.document$.subscribe(initAll);
    else initAll();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
