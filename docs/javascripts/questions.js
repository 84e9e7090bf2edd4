// Downhill questions and progress: one script for every page of the site.
//
// Questions: the build writes each ```question fence of a lesson as a
// <fieldset class="dh-question"> (site_build/questions.py): radio buttons or a text
// box, a Check button, a live region (.dh-feedback) and the explanations
// (.dh-why), hidden. This script grades an answer and shows the matching
// explanation in the live region, so a screen reader announces it.
// Numbers: within data-tolerance of data-answer is right; near a listed wrong
// answer (data-value) shows that one's explanation; anything else "otherwise".
//
// Progress, in this browser only (localStorage, one key, nothing sent anywhere):
// the answers given, and the lessons marked done (the button the build adds at the
// end of each lesson). Done lessons are ticked in the nav and in the lesson tables;
// the lessons index shows a summary and a "Forget my progress" button. Where
// storage is refused (a SecurityError), progress lives in memory for the visit.
//
// Material's instant navigation swaps the page without reloading this script:
// everything runs again on each page through its document$ observable.
(function () {
  "use strict";
  if (window.DownhillQuestions) return;

  // ---- Storage: one namespaced key; memory when the browser refuses -------------------
  const scope = window.__md_scope instanceof URL ? window.__md_scope : new URL(".", location);
  const KEY = "downhill:progress:v1:" + scope.pathname;
  let memory = null; // the progress when localStorage cannot be used
  let stored = true; // whether progress survives a reload

  function empty() { return { done: {}, answers: {} }; }

  function load() {
    if (memory) return memory;
    try {
      const raw = window.localStorage.getItem(KEY);
      const data = raw ? JSON.parse(raw) : empty();
      return { done: data.done || {}, answers: data.answers || {} };
    } catch (error) {
      stored = false;
      memory = empty();
      return memory;
    }
  }

  function save(progress) {
    if (memory) return;
    try {
      window.localStorage.setItem(KEY, JSON.stringify(progress));
    } catch (error) {
      stored = false;
      memory = progress;
    }
  }

  function forget() {
    if (memory) { memory = empty(); return; }
    try { window.localStorage.removeItem(KEY); } catch (error) { memory = empty(); }
  }

  // A page of the site as a path from its root: "lessons/cost/".
  function sitePath(href) {
    const url = new URL(href, location);
    const root = scope.pathname;
    let path = url.pathname.startsWith(root) ? url.pathname.slice(root.length) : url.pathname;
    return path.replace(/index\.html$/, "");
  }

  // ---- Grading ---------------------------------------------------------------------
  function numbersIn(text) {
    const found = text.replace(/[−–]/g, "-").match(/[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[-+]?\d+)?/gi);
    return found ? found.map(Number) : [];
  }

  function near(values, target, tolerance) {
    return values.length === target.length &&
      values.every((v, i) => Math.abs(v - target[i]) <= tolerance + 1e-12);
  }

  // What a given answer earns: { right, verdict, why (an element to show) }.
  function grade(question, given) {
    const whys = question.querySelectorAll(".dh-why");
    if (question.dataset.kind === "choice") {
      const chosen = question.querySelector(`.dh-why[data-choice="${given}"]`);
      if (!chosen) return null;
      const right = chosen.hasAttribute("data-right");
      return { right, why: chosen };
    }
    const answer = JSON.parse(question.dataset.answer);
    const tolerance = Number(question.dataset.tolerance);
    // one number may be typed with thousands separators: 26,004
    const values = numbersIn(answer.length === 1 ? given.replace(/(\d),(?=\d{3}\b)/g, "$1") : given);
    if (values.length !== answer.length) return { right: false, unreadable: true };
    if (near(values, answer, tolerance)) {
      return { right: true, why: question.querySelector('.dh-why[data-why="right"]') };
    }
    for (const why of whys) {
      if (why.dataset.why === "wrong" && near(values, JSON.parse(why.dataset.value), tolerance)) {
        return { right: false, why };
      }
    }
    return { right: false, why: question.querySelector('.dh-why[data-why="otherwise"]') };
  }

  function paragraph(text, className) {
    const p = document.createElement("p");
    p.className = className;
    p.textContent = text;
    return p;
  }

  function show(question, result, given) {
    const feedback = question.querySelector(".dh-feedback");
    const parts = [];
    if (!result) {
      parts.push(paragraph("Pick one of the answers first.", "dh-verdict"));
    } else if (result.unreadable) {
      const count = JSON.parse(question.dataset.answer).length;
      parts.push(paragraph(
        count === 1 ? `“${given}” is not a number: type one, like 0.25.`
          : `Type ${count} numbers separated by commas, like (1, 2).`, "dh-verdict"));
    } else {
      parts.push(paragraph(result.right ? "Right." : "Not quite.", "dh-verdict"));
      const why = document.createElement("div");
      why.className = "dh-explanation";
      why.innerHTML = result.why.innerHTML;
      parts.push(why);
    }
    question.classList.toggle("dh-right", Boolean(result && result.right));
    question.classList.toggle("dh-wrong", Boolean(result && !result.right && !result.unreadable));
    const showButton = question.querySelector(".dh-show");
    if (showButton) showButton.hidden = !(result && !result.right && !result.unreadable);
    feedback.replaceChildren(...parts);
  }

  function showAnswer(question) {
    const feedback = question.querySelector(".dh-feedback");
    const answer = question.querySelector(".dh-answer");
    const right = question.querySelector('.dh-why[data-why="right"], .dh-why[data-right]');
    const why = document.createElement("div");
    why.className = "dh-explanation";
    why.innerHTML = right.innerHTML;
    feedback.replaceChildren(paragraph(answer ? answer.textContent : "", "dh-verdict"), why);
  }

  function given(question) {
    if (question.dataset.kind === "choice") {
      const checked = question.querySelector("input[type=radio]:checked");
      return checked ? checked.value : null;
    }
    return question.querySelector("input[type=text]").value.trim();
  }

  function check(question) {
    const answer = given(question);
    const result = grade(question, answer);
    show(question, result, answer);
    if (result && !result.unreadable) {
      const progress = load();
      progress.answers[question.dataset.question] = { given: answer, right: result.right };
      save(progress);
    }
  }

  function startQuestion(question) {
    if (question.dataset.ready) return;
    question.dataset.ready = "true";
    question.querySelector(".dh-actions").hidden = false;
    question.querySelector(".dh-check").addEventListener("click", () => check(question));
    const showButton = question.querySelector(".dh-show");
    if (showButton) showButton.addEventListener("click", () => showAnswer(question));
    const box = question.querySelector("input[type=text]");
    if (box) {
      box.addEventListener("keydown", (event) => {
        if (event.key === "Enter") { event.preventDefault(); check(question); }
      });
    }
    const before = load().answers[question.dataset.question];
    if (!before) return;
    if (question.dataset.kind === "choice") {
      const radio = question.querySelector(`input[type=radio][value="${before.given}"]`);
      if (!radio) return;
      radio.checked = true;
    } else {
      box.value = before.given;
    }
    // An answer from an earlier visit: shown, not announced on arrival.
    const feedback = question.querySelector(".dh-feedback");
    feedback.setAttribute("aria-live", "off");
    show(question, grade(question, before.given), before.given);
    setTimeout(() => feedback.setAttribute("aria-live", "polite"), 500);
  }

  // ---- Lessons done ----------------------------------------------------------------
  function startDoneButton(box) {
    const lesson = sitePath(location.href);
    const button = box.querySelector("button");
    const status = box.querySelector(".dh-done-status");
    function draw(announce) {
      const done = Boolean(load().done[lesson]);
      button.textContent = done ? "Mark as not done" : "Mark this lesson done";
      box.classList.toggle("dh-is-done", done);
      status.textContent = done
        ? "This lesson is marked done" + (stored ? "." : " for this visit (this browser keeps nothing).")
        : (announce ? "This lesson is no longer marked done." : "");
    }
    if (!box.dataset.ready) {
      box.dataset.ready = "true";
      button.addEventListener("click", () => {
        const progress = load();
        if (progress.done[lesson]) delete progress.done[lesson];
        else progress.done[lesson] = true;
        save(progress);
        draw(true);
        markLinks();
      });
    }
    box.hidden = false;
    draw(false);
  }

  // Ticks on links to done lessons: the nav and the lesson tables.
  function markLinks() {
    const done = load().done;
    document.querySelectorAll(".dh-done-mark").forEach((mark) => mark.remove());
    const links = document.querySelectorAll(".md-nav__link[href], .md-typeset table a[href]");
    for (const link of links) {
      const href = link.getAttribute("href");
      if (href.includes("#") || !done[sitePath(href)]) continue; // not a section link
      const mark = document.createElement("span");
      mark.className = "dh-done-mark";
      mark.innerHTML = ' <span aria-hidden="true">✓</span><span class="dh-visually-hidden">(done)</span>';
      const title = link.querySelector(".md-ellipsis") || link;
      title.appendChild(mark);
    }
  }

  function startProgress(box) {
    const summary = box.querySelector(".dh-progress-summary");
    const lessons = new Set(
      [...document.querySelectorAll(".md-typeset table a[href]")].map((a) => sitePath(a.getAttribute("href"))));
    function draw(message) {
      const progress = load();
      const done = [...lessons].filter((page) => progress.done[page]).length;
      const answers = Object.values(progress.answers);
      const right = answers.filter((a) => a.right).length;
      summary.textContent = message || (
        `Your progress: ${done} of ${lessons.size} lessons marked done, ` +
        `${right} of ${answers.length} questions answered right. ` +
        (stored ? "It is kept in this browser only." :
          "This browser keeps nothing, so it lasts until you close the page."));
    }
    if (!box.dataset.ready) {
      box.dataset.ready = "true";
      box.querySelector(".dh-forget").addEventListener("click", () => {
        forget();
        markLinks();
        draw("Your progress is forgotten: no lesson is marked done and no answer is kept.");
      });
    }
    box.hidden = false;
    draw();
  }

  function start() {
    document.querySelectorAll(".dh-question").forEach(startQuestion);
    document.querySelectorAll(".dh-done").forEach(startDoneButton);
    document.querySelectorAll(".dh-progress").forEach(startProgress);
    markLinks();
    // Says this page's questions and ticks are drawn (the browser tests wait for it
    // after an instant navigation, which swaps the page without a load event).
    const article = document.querySelector("article");
    if (article) article.dataset.progressReady = "true";
  }

  window.DownhillQuestions = { grade, numbersIn };
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(start);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
