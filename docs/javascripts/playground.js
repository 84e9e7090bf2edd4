// Downhill playground: roll a ball down a cost curve, one gradient-descent step at a time.
//
// Markdown embeds it with
//   <div class="dh-playground" data-function="parabola" data-start="0" data-eta="1.1"></div>
// (optional: data-momentum, data-steps = steps already taken on load, data-functions =
// a comma-separated subset for the menu, id = the name links use in ?pg=).
// The state lives in the URL: ?pg=<id>&function=parabola&start=0&eta=1.1&momentum=0&steps=0
//
// The mathematics mirrors snippets/downhill/descent.py exactly (same functions, same
// operation order, same divergence rule); tests/test_playground.py compares them.
// Plain JavaScript and SVG, no framework, nothing loaded from elsewhere.
(function () {
  "use strict";
  // Pages that embed a playground carry this script, and Material's instant navigation
  // runs it again on each of them: the first run's document$ subscription starts them all.
  if (window.DownhillPlayground) return;

  // ---- The mathematics: the same contract as downhill.descent -------------------------
  const DIVERGED = 1e6; // an iterate with any |coordinate| above this counts as divergence
  const MAX_STEPS = 500; // the playground stops a run here
  const CONVERGED = 1e-4; // converged: |gradient| and the next update both below this
  const ETA_RANGE = [1e-4, 100]; // typed learning rates must lie in here
  const SLIDER = [-3, 1]; // the slider spans 10^-3 .. 10^1

  const FUNCTIONS = {
    parabola: {
      dims: 1, label: "Parabola (w − 3)²", formula: "C(w) = (w − 3)²",
      value: (w) => (w[0] - 3) ** 2,
      gradient: (w) => [2 * (w[0] - 3)],
      curvatures: [2], minimum: [3], box: [[-3, 9]], start: [0], eta: 0.1,
    },
    bumpy: {
      dims: 1, label: "Bumpy curve, several valleys", formula: "C(w) = 0.1(w − 1)² + sin 2w",
      value: (w) => 0.1 * (w[0] - 1) ** 2 + Math.sin(2 * w[0]),
      gradient: (w) => [0.2 * (w[0] - 1) + 2 * Math.cos(2 * w[0])],
      box: [[-4.5, 6.5]], start: [0.5], eta: 0.05,
    },
    bowl: {
      dims: 2, label: "Round bowl (2-D)", formula: "C = w₁² + w₂²",
      value: (w) => w[0] ** 2 + w[1] ** 2,
      gradient: (w) => [2 * w[0], 2 * w[1]],
      curvatures: [2, 2], minimum: [0, 0], box: [[-4, 4], [-2.5, 2.5]], start: [-3, 2], eta: 0.1,
    },
    valley: {
      dims: 2, label: "Long narrow valley (2-D)", formula: "C = w₁² + 10 w₂²",
      value: (w) => w[0] ** 2 + 10 * w[1] ** 2,
      gradient: (w) => [2 * w[0], 20 * w[1]],
      curvatures: [2, 20], minimum: [0, 0], box: [[-4, 4], [-2.5, 2.5]], start: [-3.5, 1.5], eta: 0.09,
    },
    bumpy2d: {
      dims: 2, label: "Bumpy surface, two dips (2-D)",
      formula: "C = 0.1(w₁² + w₂²) − exp(−(w₁−2)² − (w₂−1)²) − 0.5 exp(−(w₁+2)² − (w₂+1)²)",
      value: (w) => {
        const deep = Math.exp(-((w[0] - 2) ** 2 + (w[1] - 1) ** 2));
        const shallow = Math.exp(-((w[0] + 2) ** 2 + (w[1] + 1) ** 2));
        return 0.1 * (w[0] ** 2 + w[1] ** 2) - deep - 0.5 * shallow;
      },
      gradient: (w) => {
        const deep = Math.exp(-((w[0] - 2) ** 2 + (w[1] - 1) ** 2));
        const shallow = Math.exp(-((w[0] + 2) ** 2 + (w[1] + 1) ** 2));
        return [
          0.2 * w[0] + 2 * (w[0] - 2) * deep + (w[0] + 2) * shallow,
          0.2 * w[1] + 2 * (w[1] - 1) * deep + (w[1] + 1) * shallow,
        ];
      },
      box: [[-4, 4], [-2.5, 2.5]], start: [-3.5, -2], eta: 0.3,
    },
  };

  // One step of heavy-ball momentum: v <- beta v - eta grad(w); w <- w + v.
  function step(fn, w, v, eta, momentum) {
    const g = fn.gradient(w);
    const v2 = v.map((vi, i) => momentum * vi - eta * g[i]);
    return [w.map((wi, i) => wi + v2[i]), v2];
  }

  function diverged(w) {
    return w.some((x) => !Number.isFinite(x) || Math.abs(x) > DIVERGED);
  }

  // Iterates from start (included); stops right after the first divergent iterate.
  function descend(name, start, eta, steps, momentum = 0) {
    const fn = lookup(name);
    let w = [].concat(start).map(Number);
    let v = w.map(() => 0);
    const path = [w];
    for (let k = 0; k < steps; k++) {
      [w, v] = step(fn, w, v, eta, momentum);
      path.push(w);
      if (diverged(w)) break;
    }
    return path;
  }

  function lookup(name) {
    if (!Object.prototype.hasOwnProperty.call(FUNCTIONS, name)) throw new Error(`unknown function ${name}`);
    return FUNCTIONS[name];
  }

  // Largest stable learning rate of a quadratic: eta * l < 2 + 2 beta for its largest curvature l.
  function etaLimit(name, momentum = 0) {
    const fn = lookup(name);
    return fn.curvatures ? (2 + 2 * momentum) / Math.max(...fn.curvatures) : null;
  }

  // The lowest point: known for the quadratics, found by a grid search plus descent otherwise.
  function lowestPoint(fn) {
    if (fn.minimum) return fn.minimum;
    if (fn.lowest) return fn.lowest;
    let best = null;
    const n = fn.dims === 1 ? 2000 : 120;
    const [bx, by = [0, 0]] = fn.box;
    for (let i = 0; i <= n; i++) {
      for (let j = 0; j <= (fn.dims === 1 ? 0 : n); j++) {
        const w = [bx[0] + ((bx[1] - bx[0]) * i) / n, by[0] + ((by[1] - by[0]) * j) / n].slice(0, fn.dims);
        if (!best || fn.value(w) < fn.value(best)) best = w;
      }
    }
    let w = best;
    let v = w.map(() => 0);
    for (let k = 0; k < 5000; k++) [w, v] = step(fn, w, v, 0.01, 0);
    fn.lowest = w;
    return w;
  }

  // ---- Formatting: numbers a reader can read, never NaN or Infinity ---------------------
  const SUP = { "-": "⁻", "+": "", 0: "⁰", 1: "¹", 2: "²", 3: "³", 4: "⁴", 5: "⁵", 6: "⁶", 7: "⁷", 8: "⁸", 9: "⁹" };

  function fmt(x, digits = 4) {
    if (!Number.isFinite(x)) return "too large to show";
    if (x === 0) return "0";
    const a = Math.abs(x);
    let text;
    if (a >= 1e5 || a < 1e-4) {
      const [m, e] = x.toExponential(Math.max(digits - 2, 1)).split("e");
      text = `${Number(m)} × 10${[...e].map((c) => SUP[c]).join("")}`;
    } else {
      text = String(Number(x.toPrecision(digits)));
    }
    return text.replace(/^-/, "−");
  }

  function fmtPoint(w) {
    return w.length === 1 ? fmt(w[0]) : `(${w.map((x) => fmt(x)).join(", ")})`;
  }

  function wName(fn) {
    return fn.dims === 1 ? "w" : "(w₁, w₂)";
  }

  // Parse what a reader typed or a link carried; a number or null.
  function parseNumber(text) {
    const t = String(text).trim().replace(/−/g, "-").replace(/,/g, ".");
    return /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t) ? Number(t) : null;
  }

  function checkEta(text) {
    const eta = parseNumber(text);
    if (eta === null) return { error: `“${String(text).slice(0, 20)}” is not a number: type a learning rate such as 0.1.` };
    if (eta < 0) return { error: "A learning rate must be positive: a negative η would walk uphill." };
    if (eta === 0) return { error: "A learning rate of 0 never moves: type a positive number such as 0.1." };
    if (eta < ETA_RANGE[0] || eta > ETA_RANGE[1])
      return { error: `Type a learning rate between ${fmt(ETA_RANGE[0])} and ${fmt(ETA_RANGE[1])}.` };
    return { value: eta };
  }

  function checkMomentum(text) {
    const beta = parseNumber(text);
    if (beta === null || beta < 0 || beta >= 1) return { error: "Momentum β must be a number from 0 up to (not including) 1." };
    return { value: beta };
  }

  function checkStart(fn, text) {
    const parts = String(text).split(/[;,\s]+/).filter(Boolean);
    const w = parts.map(parseNumber);
    if (w.length !== fn.dims || w.some((x) => x === null))
      return { error: `The start needs ${fn.dims === 1 ? "one number" : "two numbers, w₁ and w₂"}.` };
    const outside = w.findIndex((x, i) => x < fn.box[i][0] || x > fn.box[i][1]);
    if (outside >= 0) {
      const [lo, hi] = fn.box[outside];
      return { error: `The start must lie on the plot: ${fn.dims === 1 ? "w" : `w${"₁₂"[outside]}`} from ${fmt(lo)} to ${fmt(hi)}.` };
    }
    return { value: w };
  }

  // The slider is logarithmic; its positions show 3 significant digits, snapped to 1, 2, 5 ...
  function sliderEta(position) {
    const eta = 10 ** Number(position);
    const one = Number(eta.toPrecision(1));
    return Math.abs(eta / one - 1) < 0.006 ? one : Number(eta.toPrecision(3));
  }

  function reducedMotion() {
    return window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  }

  // ---- One playground ---------------------------------------------------------------------
  const SVG = "http://www.w3.org/2000/svg";
  let counter = 0;

  function el(tag, attrs = {}, ...children) {
    const node = tag.startsWith("svg:") ? document.createElementNS(SVG, tag.slice(4)) : document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (k === "text") node.textContent = v;
      else node.setAttribute(k, v);
    }
    node.append(...children);
    return node;
  }

  class Playground {
    constructor(root, key, first) {
      this.root = root;
      this.key = key;
      this.id = `dh-pg-${++counter}`;
      const names = (root.dataset.functions || "").split(",").map((s) => s.trim()).filter((s) => s in FUNCTIONS);
      this.names = names.length ? names : Object.keys(FUNCTIONS);
      this.build();
      this.configure(root.dataset, false);
      const params = new URLSearchParams(location.search);
      if (params.has("function") && (params.has("pg") ? params.get("pg") === key : first)) this.configure(Object.fromEntries(params), true);
      else this.restart();
    }

    // Apply a state (data-* attributes or URL parameters); bad values are refused with a message.
    configure(state, fromLink) {
      const problems = [];
      const name = state.function in FUNCTIONS && this.names.includes(state.function) ? state.function : null;
      if (state.function && !name) problems.push(`There is no landscape called “${String(state.function).slice(0, 20)}”.`);
      this.name = name || this.name || this.names[0];
      this.fn = FUNCTIONS[this.name];
      this.start = this.fn.start.slice();
      this.eta = this.fn.eta;
      this.momentum = 0;
      for (const [key, check, set] of [
        ["start", (t) => checkStart(this.fn, t), (v) => (this.start = v)],
        ["eta", checkEta, (v) => (this.eta = v)],
        ["momentum", checkMomentum, (v) => (this.momentum = v)],
      ]) {
        if (state[key] === undefined) continue;
        const result = check(state[key]);
        if (result.error) problems.push(result.error);
        else set(result.value);
      }
      const steps = state.steps === undefined ? 0 : parseNumber(state.steps);
      this.restart(Number.isInteger(steps) && steps > 0 ? Math.min(steps, MAX_STEPS) : 0);
      if (problems.length) this.say(`${fromLink ? "This link" : "This playground"} has a problem: ${problems.join(" ")} Using the defaults instead.`, true);
    }

    build() {
      const id = this.id;
      this.root.classList.add("dh-pg");
      this.root.textContent = "";
      this.svg = el("svg:svg", { role: "img", class: "dh-pg__svg", focusable: "false" });
      this.select = el("select", { id: `${id}-fn` });
      for (const name of this.names) this.select.append(el("option", { value: name, text: FUNCTIONS[name].label }));
      this.startInput = el("input", { id: `${id}-start`, type: "text", inputmode: "decimal", autocomplete: "off", spellcheck: "false", size: "9" });
      this.etaRange = el("input", { id: `${id}-eta-slider`, type: "range", min: SLIDER[0], max: SLIDER[1], step: "0.01", "aria-label": "Learning rate η, logarithmic slider" });
      this.etaInput = el("input", { id: `${id}-eta`, type: "text", inputmode: "decimal", autocomplete: "off", spellcheck: "false", size: "7" });
      this.betaRange = el("input", { id: `${id}-beta`, type: "range", min: "0", max: "0.99", step: "0.01" });
      this.betaOut = el("output", { for: `${id}-beta`, class: "dh-pg__value" });
      this.stepButton = el("button", { type: "button", class: "md-button md-button--primary", text: "Step" });
      this.playButton = el("button", { type: "button", class: "md-button", text: "Play" });
      this.resetButton = el("button", { type: "button", class: "md-button", text: "Reset" });
      this.hint = el("p", { class: "dh-pg__hint", id: `${id}-hint` });
      this.error = el("p", { class: "dh-pg__error", role: "alert", id: `${id}-error` });
      this.status = el("p", { class: "dh-pg__status", role: "status", "aria-live": "polite", "aria-atomic": "true" });
      this.readout = el("p", { class: "dh-pg__readout" });
      this.link = el("a", { class: "dh-pg__link", text: "Link to this exact run" });
      this.tbody = el("tbody");
      this.thead = el("thead");
      this.tableBox = el("div", { class: "dh-pg__table", tabindex: "0", role: "region", "aria-label": "Steps taken, one row per position" },
        el("table", { class: "dh-pg__steps" }, el("caption", { text: "Each row: where the ball is, the cost and the gradient there, and the update it then takes." }), this.thead, this.tbody));
      this.etaInput.setAttribute("aria-describedby", `${id}-hint ${id}-error`);
      this.startInput.setAttribute("aria-describedby", `${id}-error`);
      const field = (label, forId, ...inputs) => el("div", { class: "dh-pg__field" }, el("label", { for: forId, text: label }), ...inputs);
      this.startLabel = el("label", { for: `${id}-start` });
      const key = (cls, text) => el("span", { class: `dh-pg__key dh-pg__key--${cls}`, text });
      this.legend = el("p", { class: "dh-pg__legend" }, key("ball", "ball"), key("start", "start"), key("target", "lowest point"), key("gradient", ""));
      this.root.append(
        el("div", { class: "dh-pg__plot" }, this.svg),
        this.legend,
        this.readout,
        this.status,
        el("div", { class: "dh-pg__controls" },
          field("Landscape", `${id}-fn`, this.select),
          el("div", { class: "dh-pg__field" }, this.startLabel, this.startInput),
          field("Learning rate η", `${id}-eta`, el("span", { class: "dh-pg__pair" }, this.etaRange, this.etaInput)),
          field("Momentum β", `${id}-beta`, el("span", { class: "dh-pg__pair" }, this.betaRange, this.betaOut)),
        ),
        this.hint,
        this.error,
        el("div", { class: "dh-pg__buttons" }, this.stepButton, this.playButton, this.resetButton, this.link),
        this.tableBox,
      );

      this.select.addEventListener("change", () => this.configure({ function: this.select.value }, false));
      const commit = (input, check, apply) => {
        const go = () => {
          const result = check(input.value);
          if (result.error) return this.refuse(input, result.error);
          apply(result.value);
        };
        input.addEventListener("change", go);
        input.addEventListener("keydown", (e) => { if (e.key === "Enter") { e.preventDefault(); go(); } });
      };
      commit(this.startInput, (t) => checkStart(this.fn, t), (w) => { this.start = w; this.restart(); });
      commit(this.etaInput, checkEta, (eta) => { this.eta = eta; this.restart(); });
      this.etaRange.addEventListener("input", () => { this.eta = sliderEta(this.etaRange.value); this.restart(); });
      this.betaRange.addEventListener("input", () => { this.momentum = Number(this.betaRange.value); this.restart(); });
      this.stepButton.addEventListener("click", () => { this.pause(); this.advance(1); });
      this.playButton.addEventListener("click", () => (this.timer ? this.pause() : this.play()));
      this.resetButton.addEventListener("click", () => this.restart());
      this.svg.addEventListener("pointerdown", (e) => this.drag(e));
    }

    refuse(input, message) {
      input.setAttribute("aria-invalid", "true");
      this.error.textContent = `${message} Nothing was changed.`;
    }

    say(text, problem) {
      if (problem) this.error.textContent = text;
      else this.status.textContent = text;
    }

    // Back to the start (optionally taking some steps at once); every change of setting lands here.
    restart(steps = 0) {
      this.pause();
      this.path = [this.start.slice()];
      this.velocity = this.start.map(() => 0);
      this.updates = [];
      this.outcome = null;
      this.error.textContent = "";
      for (const input of [this.startInput, this.etaInput]) input.removeAttribute("aria-invalid");
      if (this.drawn !== this.name) this.drawLandscape();
      this.fillTable();
      if (steps) this.advance(steps, true);
      else this.render(false);
    }

    // Take up to n steps with the exact update of descend(); stop on divergence, convergence, cap.
    advance(n, quiet = false) {
      for (let i = 0; i < n && !this.outcome; i++) {
        const w = this.path[this.path.length - 1];
        const [next, v] = step(this.fn, w, this.velocity, this.eta, this.momentum);
        this.velocity = v;
        this.updates.push(v);
        this.path.push(next);
        this.outcome = this.judge();
        this.addRow(this.path.length - 1);
      }
      this.render(!quiet && !this.timer);
    }

    judge() {
      const k = this.path.length - 1;
      const w = this.path[k];
      if (diverged(w)) return "diverged";
      const g = this.fn.gradient(w);
      const next = this.velocity.map((vi, i) => this.momentum * vi - this.eta * g[i]);
      if (Math.hypot(...g) < CONVERGED && Math.hypot(...next) < CONVERGED) return "converged";
      if (k >= 6 && this.bouncing()) return "bouncing";
      if (k >= MAX_STEPS) return "capped";
      return null;
    }

    // Exactly back where it was two steps ago, or (quadratics) eta sits exactly on the limit.
    bouncing(exactOnly = false) {
      const k = this.path.length - 1;
      if (this.path[k].every((x, i) => x === this.path[k - 2][i])) return true;
      const c = this.fn.curvatures;
      const steep = c ? c.indexOf(Math.max(...c)) : -1;
      return !exactOnly && steep >= 0 && this.momentum === 0 && this.eta === etaLimit(this.name, 0) && this.path[k][steep] !== 0;
    }

    play() {
      if (this.outcome) this.restart();
      if (reducedMotion()) return this.advance(MAX_STEPS); // no animation: every step at once
      this.playButton.textContent = "Pause";
      this.render(false);
      this.timer = window.setInterval(() => {
        if (!this.root.isConnected) return this.pause(); // the page was left (instant navigation)
        this.advance(1);
        if (this.outcome) this.pause();
      }, 350);
    }

    pause() {
      if (!this.timer) return;
      window.clearInterval(this.timer);
      this.timer = null;
      this.playButton.textContent = "Play";
      this.render(false);
    }

    // ---- Words: what is happening, computed from the path and the theory ------------------
    phase() {
      const fn = this.fn;
      const k = this.path.length - 1;
      const w = this.path[k];
      const limit = etaLimit(this.name, this.momentum);
      const steps = `${k} step${k === 1 ? "" : "s"}`;
      const etaText = `η = ${fmt(this.eta)}`;
      const beta = this.momentum ? ` with momentum β = ${fmt(this.momentum)}` : "";
      const outcome = this.outcome || (k >= 2 && this.bouncing(true) ? "bouncing" : null);
      switch (outcome) {
        case "diverged":
          return limit !== null
            ? `Diverging: the learning rate ${etaText} is above ${fmt(limit)} for this ${fn.dims === 1 ? "curve" : "surface"}${beta}, so every step overshoots further than the last. Stopped after ${steps}, when ${wName(fn)} passed ${fmt(DIVERGED)} in size.`
            : `Diverging: every step overshoots further than the last. Stopped after ${steps}, when ${wName(fn)} passed ${fmt(DIVERGED)} in size.`;
        case "converged": {
          const low = lowestPoint(fn);
          const local = fn.value(w) > fn.value(low) + 1e-3;
          const where = `${wName(fn)} = ${fmtPoint(w)}, cost ${fmt(fn.value(w))}`;
          return local
            ? `Converged after ${steps} into a local minimum at ${where}. The lowest point is elsewhere, at ${wName(fn)} ≈ ${fmtPoint(low.map((x) => Number(x.toFixed(2))))}: try another start${fn.dims === 2 ? " or some momentum" : ""}.`
            : `Converged after ${steps}: ${where}, the lowest point.${k === 1 ? ` ${etaText} lands on the minimum in one step.` : ""}`;
        }
        case "bouncing": {
          if (k < 2) break;
          const [a, b] = [this.path[k - 1], this.path[k]];
          if (limit === null) return `Bouncing forever between ${fmtPoint(a)} and ${fmtPoint(b)}: each step lands exactly where the one before started.`;
          return fn.dims === 1
            ? `Bouncing forever between w = ${fmt(a[0])} and w = ${fmt(b[0])}: ${etaText} is exactly the limit (η × curvature = 2), so each step overshoots by exactly as much as it was off.`
            : `Bouncing forever: ${etaText} is exactly the limit for the steepest direction (η × ${Math.max(...fn.curvatures)} = 2), so the swings across it never shrink.`;
        }
        case "capped":
          return `Stopped at the limit of ${MAX_STEPS} steps without converging${this.eta < 0.01 ? `: ${etaText} is very small` : ""}. Press Reset or change a setting.`;
      }
      if (k === 0) {
        return `Ready: the ball sits at ${wName(fn)} = ${fmtPoint(w)}, cost ${fmt(fn.value(w))}. Press Step or Play, or click the plot to move the start.`;
      }
      const u = this.updates[k - 1];
      const before = this.updates[k - 2];
      const c0 = fn.value(this.path[k - 1]);
      const c1 = fn.value(w);
      if (before && u.some((x, i) => x * before[i] < 0)) {
        const ratio = Math.hypot(...u) / Math.hypot(...before);
        if (ratio > 1 + 1e-9) return `Oscillating and growing: each swing overshoots further than the last${limit !== null && this.eta > limit ? ` (${etaText} is above ${fmt(limit)})` : ""}.`;
        const swings = ratio < 1 - 1e-9 ? "and the swings shrink" : "and the swings keep their size";
        return fn.dims === 1
          ? `Oscillating around the minimum: each step overshoots to the other side, ${swings}.`
          : `Zig-zagging: the steps overshoot across the steep sides, ${swings}.`;
      }
      if (c1 > c0) return `Climbing: ${this.momentum ? "momentum carries the ball uphill" : "the step overshot and the cost went up"}.`;
      if (limit !== null && this.eta * Math.min(...fn.curvatures) < 0.05)
        return `Creeping downhill: ${etaText} is so small that each step covers only a sliver of the way.`;
      return `Rolling downhill: each step follows the slope, and the cost keeps falling.`;
    }

    hintText() {
      const fn = this.fn;
      const limit = etaLimit(this.name, this.momentum);
      if (limit === null) return `${fn.formula}. Several valleys: where the ball settles depends on the start and on η.`;
      const l = Math.max(...fn.curvatures);
      const shape = fn.dims === 1 ? `curvature ${l}`
        : fn.curvatures[0] === fn.curvatures[1] ? `curvature ${l} in every direction`
        : `curvatures ${fn.curvatures.join(" and ")}; the steeper one sets the limit`;
      const rule = this.momentum
        ? `With momentum β = ${fmt(this.momentum)} it converges when η × ${l} < 2 + 2β, that is η < ${fmt(limit)}.`
        : `Gradient descent converges when η × ${l} < 2, that is η < ${fmt(limit)}.`;
      return `${fn.formula}, ${shape}. ${rule}`;
    }

    // ---- Drawing ------------------------------------------------------------------------------
    frame() {
      const fn = this.fn;
      const [bx, by] = fn.box;
      const W = (this.W = this.root.clientWidth && this.root.clientWidth < 520 ? 420 : 640); // bigger text on phones
      const pad = { l: 44, r: 12, t: 12, b: 34 };
      let H;
      let ylo;
      let yhi;
      if (fn.dims === 1) {
        H = 340;
        const ys = [];
        for (let i = 0; i <= 200; i++) ys.push(fn.value([bx[0] + ((bx[1] - bx[0]) * i) / 200]));
        [ylo, yhi] = [Math.min(...ys), Math.max(...ys)];
        const m = 0.06 * (yhi - ylo);
        [ylo, yhi] = [ylo - m, yhi + m];
      } else {
        H = Math.round(pad.t + pad.b + ((W - pad.l - pad.r) * (by[1] - by[0])) / (bx[1] - bx[0]));
        [ylo, yhi] = by;
      }
      const x = (v) => pad.l + ((v - bx[0]) / (bx[1] - bx[0])) * (W - pad.l - pad.r);
      const y = (v) => H - pad.b - ((v - ylo) / (yhi - ylo)) * (H - pad.t - pad.b);
      const invx = (px) => bx[0] + ((px - pad.l) / (W - pad.l - pad.r)) * (bx[1] - bx[0]);
      const invy = (py) => ylo + ((H - pad.b - py) / (H - pad.t - pad.b)) * (yhi - ylo);
      return { H, pad, x, y, invx, invy, ylo, yhi };
    }

    drawLandscape() {
      const fn = this.fn;
      const f = (this.f = this.frame());
      const { H, pad, x, y } = f;
      const W = this.W;
      const svg = this.svg;
      svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
      svg.textContent = "";
      svg.classList.toggle("dh-pg__svg--2d", fn.dims === 2);
      const clip = `${this.id}-clip`;
      svg.append(el("svg:defs", {}, el("svg:clipPath", { id: clip }, el("svg:rect", { x: pad.l, y: pad.t, width: W - pad.l - pad.r, height: H - pad.t - pad.b }))));
      const axes = el("svg:g", { class: "dh-pg__axes" });
      const [bx] = fn.box;
      const ticks = (lo, hi) => {
        const out = [];
        const stepSize = hi - lo > 8 ? 2 : 1;
        for (let t = Math.ceil(lo / stepSize) * stepSize; t <= hi + 1e-9; t += stepSize) out.push(t);
        return out;
      };
      axes.append(el("svg:rect", { x: pad.l, y: pad.t, width: W - pad.l - pad.r, height: H - pad.t - pad.b, class: "dh-pg__frame" }));
      for (const t of ticks(bx[0], bx[1])) {
        axes.append(el("svg:text", { x: x(t), y: H - pad.b + 16, "text-anchor": "middle", text: fmt(t) }));
      }
      const ylo = fn.dims === 1 ? f.ylo : fn.box[1][0];
      const yhi = fn.dims === 1 ? f.yhi : fn.box[1][1];
      const ystep = fn.dims === 1 ? niceStep((yhi - ylo) / 5) : 1;
      for (let t = Math.ceil(ylo / ystep) * ystep; t <= yhi; t += ystep) {
        axes.append(el("svg:text", { x: pad.l - 6, y: y(t) + 4, "text-anchor": "end", text: fmt(Number(t.toPrecision(6))) }));
      }
      axes.append(
        el("svg:text", { x: W - pad.r, y: H - 4, "text-anchor": "end", class: "dh-pg__axis-label", text: fn.dims === 1 ? "w" : "w₁" }),
        el("svg:text", { x: 4, y: pad.t + 10, class: "dh-pg__axis-label", text: fn.dims === 1 ? "C(w)" : "w₂" }),
      );
      svg.append(axes);
      const land = el("svg:g", { "clip-path": `url(#${clip})` });
      if (fn.dims === 1) {
        let d = "";
        for (let i = 0; i <= 300; i++) {
          const w = bx[0] + ((bx[1] - bx[0]) * i) / 300;
          d += `${i ? "L" : "M"}${x(w).toFixed(1)},${y(fn.value([w])).toFixed(1)}`;
        }
        land.append(el("svg:path", { d, class: "dh-pg__curve" }));
      } else {
        land.append(el("svg:path", { d: contours(fn, f), class: "dh-pg__contours" }));
      }
      const low = lowestPoint(fn);
      const lp = [x(low[0]), fn.dims === 1 ? y(fn.value(low)) : y(low[1])];
      this.layer = el("svg:g", {});
      this.ball = el("svg:circle", { cx: 0, cy: 0, r: 8, class: "dh-pg__ball" });
      land.append(this.layer, el("svg:path", { d: star(lp[0], lp[1], 9), class: "dh-pg__target" }), this.ball);
      this.legend.lastElementChild.textContent = fn.dims === 1 ? "slope (tangent)" : "downhill direction";
      this.drawn = this.name;
      svg.append(land);
    }

    point(w) {
      const { x, y } = this.f;
      return [x(w[0]), this.fn.dims === 1 ? y(this.fn.value(w)) : y(w[1])];
    }

    render(announceStep) {
      const fn = this.fn;
      const k = this.path.length - 1;
      const w = this.path[k];
      const { H, pad } = this.f;
      const W = this.W;
      const clamp = ([px, py], lo = 0) => [Math.min(Math.max(px, pad.l - lo), W - pad.r + lo), Math.min(Math.max(py, pad.t - lo), H - pad.b + lo)];
      const layer = this.layer;
      layer.textContent = "";
      const pts = this.path.map((p) => clamp(this.point(p), 1e4)); // the plot's clip hides what lies outside
      const line = pts.map(([px, py], i) => `${i ? "L" : "M"}${px.toFixed(1)},${py.toFixed(1)}`).join("");
      layer.append(el("svg:path", { d: line, class: "dh-pg__path" }));
      for (const [px, py] of pts.slice(1, -1)) layer.append(el("svg:circle", { cx: px, cy: py, r: 3, class: "dh-pg__dot" }));
      const [sx, sy] = pts[0];
      layer.append(el("svg:circle", { cx: sx, cy: sy, r: 7, class: "dh-pg__start" }));
      if (!diverged(w)) {
        const g = fn.gradient(w);
        const [px, py] = this.point(w);
        if (fn.dims === 1) {
          // the tangent, whose slope is the gradient
          const { x, y } = this.f;
          const h = 0.8 / Math.sqrt(1 + g[0] * g[0] / 25);
          const c = fn.value(w);
          layer.append(el("svg:line", { x1: x(w[0] - h), y1: y(c - g[0] * h), x2: x(w[0] + h), y2: y(c + g[0] * h), class: "dh-pg__gradient" }));
        } else if (Math.hypot(...g) > 1e-3) {
          // the downhill direction, minus the gradient, drawn at a fixed length
          const n = Math.hypot(...g);
          const [qx, qy] = this.point([w[0] - (0.7 * g[0]) / n, w[1] - (0.7 * g[1]) / n]);
          layer.append(el("svg:line", { x1: px, y1: py, x2: qx, y2: qy, class: "dh-pg__gradient" }));
        }
      }
      const [bxp, byp] = clamp(this.point(w));
      this.ball.style.transform = `translate(${bxp.toFixed(1)}px, ${byp.toFixed(1)}px)`;
      const [rx, ry] = this.point(w);
      if (!(Math.abs(rx - bxp) < 0.5 && Math.abs(ry - byp) < 0.5)) {
        layer.append(el("svg:text", { x: Math.min(Math.max(bxp, pad.l + 60), W - pad.r - 60), y: pad.t + 18, "text-anchor": "middle", class: "dh-pg__note", text: "off the chart" }));
      }

      // Words: the plot's label, the status line, the readout, the hint, the controls, the URL.
      const where = `${wName(fn)} = ${fmtPoint(w)}, cost ${fmt(fn.value(w))}`;
      const low = lowestPoint(fn);
      this.svg.setAttribute("aria-label",
        `${fn.dims === 1 ? "Cost curve" : "Contour map of the cost"} ${fn.formula}, lowest at ${wName(fn)} ≈ ${fmtPoint(low.map((v) => Number(v.toFixed(2))))}. ` +
        `The ball started at ${fmtPoint(this.path[0])} and after ${k} step${k === 1 ? "" : "s"} is at ${where}.`);
      let status = this.phase();
      if (announceStep && !this.outcome) status += ` Step ${k}: ${where}.`;
      if (this.timer) status = status.replace(/ Step \d+:.*$/, "");
      this.say(status);
      this.readout.textContent = `Step ${k} · ${where} · η = ${fmt(this.eta)}${this.momentum ? ` · β = ${fmt(this.momentum)}` : ""}`;
      this.hint.textContent = this.hintText();
      this.select.value = this.name;
      this.startLabel.textContent = fn.dims === 1 ? "Start w" : "Start w₁, w₂";
      if (document.activeElement !== this.startInput) this.startInput.value = this.start.map((v) => String(v)).join(", ");
      if (document.activeElement !== this.etaInput || !this.etaInput.hasAttribute("aria-invalid")) this.etaInput.value = String(this.eta);
      this.etaRange.value = String(Math.min(Math.max(Math.log10(this.eta), SLIDER[0]), SLIDER[1]));
      this.etaRange.setAttribute("aria-valuetext", `η = ${fmt(this.eta)}`);
      this.betaRange.value = String(this.momentum);
      this.betaRange.setAttribute("aria-valuetext", `β = ${fmt(this.momentum)}`);
      this.betaOut.textContent = this.momentum.toFixed(2);
      const done = this.outcome !== null;
      this.stepButton.disabled = done;
      this.stepButton.setAttribute("aria-disabled", String(done));
      this.playButton.textContent = this.timer ? "Pause" : reducedMotion() ? "Run to the end" : "Play";
      this.writeUrl();
    }

    writeUrl() {
      const state = { pg: this.key, function: this.name, start: this.start.join(","), eta: this.eta, momentum: this.momentum, steps: this.path.length - 1 };
      const own = new URLSearchParams();
      for (const [k, v] of Object.entries(state)) own.set(k, String(v));
      this.link.href = `${location.pathname}?${own}`;
      // Only once the reader has touched this playground does it take over the address bar.
      if (!this.touched) return;
      window.clearTimeout(this.urlTimer); // a drag or a run must not flood the history API
      this.urlTimer = window.setTimeout(() => {
        if (!this.root.isConnected) return;
        const params = new URLSearchParams(location.search);
        for (const [k, v] of own) params.set(k, v);
        history.replaceState(history.state, "", `${location.pathname}?${params}${location.hash}`);
      }, 120);
    }

    // ---- The table of steps -------------------------------------------------------------------
    fillTable() {
      const cols = this.fn.dims === 1 ? ["k", "w", "C(w)", "gradient C′(w)", "update Δw"] : ["k", "(w₁, w₂)", "C", "gradient ∇C", "update Δw"];
      this.thead.textContent = "";
      this.thead.append(el("tr", {}, ...cols.map((c) => el("th", { scope: "col", text: c }))));
      this.tbody.textContent = "";
      this.addRow(0);
    }

    addRow(k) {
      const fn = this.fn;
      const w = this.path[k];
      if (k > 0) {
        const previous = this.tbody.lastElementChild;
        previous.lastElementChild.textContent = fmtPoint(this.updates[k - 1]);
      }
      const row = el("tr", { "data-w": w.join(",") },
        el("th", { scope: "row", text: String(k) }),
        el("td", { text: fmtPoint(w) }),
        el("td", { text: fmt(fn.value(w)) }),
        el("td", { text: diverged(w) ? "—" : fmtPoint(fn.gradient(w)) }),
        el("td", { text: diverged(w) ? "stopped: diverged" : "—" }));
      this.tbody.append(row);
      if (this.tbody.children.length > 1) this.tableBox.scrollTop = this.tableBox.scrollHeight;
    }

    // ---- Click or drag on the plot: a new start ------------------------------------------------
    drag(event) {
      if (event.button !== 0) return;
      event.preventDefault();
      const move = (e) => {
        const m = this.svg.getScreenCTM();
        if (!m) return;
        const p = new DOMPoint(e.clientX, e.clientY).matrixTransform(m.inverse());
        const w = [this.f.invx(p.x), this.f.invy(p.y)].slice(0, this.fn.dims);
        this.start = w.map((v, i) => Math.min(Math.max(Math.round(v * 100) / 100, this.fn.box[i][0]), this.fn.box[i][1]));
        this.touched = true;
        this.restart();
      };
      move(event);
      this.svg.setPointerCapture(event.pointerId);
      const stop = () => {
        this.svg.removeEventListener("pointermove", move);
        this.svg.removeEventListener("pointerup", stop);
        this.svg.removeEventListener("pointercancel", stop);
      };
      this.svg.addEventListener("pointermove", move);
      this.svg.addEventListener("pointerup", stop);
      this.svg.addEventListener("pointercancel", stop);
    }
  }

  function niceStep(raw) {
    const p = 10 ** Math.floor(Math.log10(raw));
    return [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw);
  }

  function star(cx, cy, r) {
    let d = "";
    for (let i = 0; i < 10; i++) {
      const a = -Math.PI / 2 + (i * Math.PI) / 5;
      const rr = i % 2 ? r * 0.45 : r;
      d += `${i ? "L" : "M"}${(cx + rr * Math.cos(a)).toFixed(1)},${(cy + rr * Math.sin(a)).toFixed(1)}`;
    }
    return `${d}Z`;
  }

  // Contour lines by marching squares: one path of short segments, levels at value quantiles.
  function contours(fn, f) {
    const [bx, by] = fn.box;
    const nx = 96;
    const ny = Math.round((nx * (by[1] - by[0])) / (bx[1] - bx[0]));
    const grid = [];
    for (let j = 0; j <= ny; j++) {
      const row = [];
      for (let i = 0; i <= nx; i++) row.push(fn.value([bx[0] + ((bx[1] - bx[0]) * i) / nx, by[0] + ((by[1] - by[0]) * j) / ny]));
      grid.push(row);
    }
    const sorted = grid.flat().sort((a, b) => a - b);
    const levels = [];
    for (let i = 0; i < 14; i++) levels.push(sorted[Math.floor(((i + 0.5) / 14) ** 1.6 * (sorted.length - 1))]);
    const X = (i) => f.x(bx[0] + ((bx[1] - bx[0]) * i) / nx);
    const Y = (j) => f.y(by[0] + ((by[1] - by[0]) * j) / ny);
    let d = "";
    for (const level of levels) {
      for (let j = 0; j < ny; j++) {
        for (let i = 0; i < nx; i++) {
          const corners = [[i, j], [i + 1, j], [i + 1, j + 1], [i, j + 1]];
          const crossings = [];
          for (let e = 0; e < 4; e++) {
            const [a, b] = [corners[e], corners[(e + 1) % 4]];
            const va = grid[a[1]][a[0]] - level;
            const vb = grid[b[1]][b[0]] - level;
            if ((va < 0) !== (vb < 0)) {
              const t = va / (va - vb);
              crossings.push([X(a[0] + t * (b[0] - a[0])), Y(a[1] + t * (b[1] - a[1]))]);
            }
          }
          for (let c = 0; c + 1 < crossings.length; c += 2) {
            const [[x1, y1], [x2, y2]] = [crossings[c], crossings[c + 1]];
            d += `M${x1.toFixed(1)},${y1.toFixed(1)}L${x2.toFixed(1)},${y2.toFixed(1)}`;
          }
        }
      }
    }
    return d;
  }

  // ---- Start every playground on the page, on every page load (instant navigation too) ----
  function initAll() {
    document.querySelectorAll(".dh-playground").forEach((root, index) => {
      if (root.dataset.dhReady) return;
      root.dataset.dhReady = "true";
      try {
        const pg = new Playground(root, root.id || String(index + 1), index === 0);
        const touch = () => (pg.touched = true);
        root.addEventListener("input", touch, true);
        root.addEventListener("change", touch, true);
        root.addEventListener("click", (e) => { if (e.target.closest("button")) touch(); }, true);
        root.addEventListener("keydown", (e) => { if (e.key === "Enter") touch(); }, true);
        if (new URLSearchParams(location.search).get("pg") === pg.key) pg.touched = true;
        root.playground = pg;
      } catch (error) {
        root.textContent = "The playground could not start here. ";
        console.warn("Downhill playground:", error);
      }
    });
  }

  window.DownhillPlayground = { FUNCTIONS, DIVERGED, MAX_STEPS, descend, etaLimit, fmt, checkEta, sliderEta, initAll };

  // Material's document$ emits each page, instant navigation included; it exists once
  // Material's bundle has run, which is after this script when the page itself links it.
  function start() {
    if (window.document$ && typeof window.document$.subscribe === "function") window.document$.subscribe(initAll);
    else initAll();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
