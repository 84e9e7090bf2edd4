"""Questions with feedback (site_build/questions.py, docs/javascripts/questions.js)
and the reader's progress.

* every lesson asks at least four questions, each with an explanation for every
  answer it grades; every number a question expects is computed here again, another
  way, from the package, and compared with the value the built page carries;
* a question the build cannot use stops it, naming the page and line;
* in Chromium: right and wrong answers get their own explanation in a live region;
  progress survives a reload and instant navigation, and "Forget my progress"
  clears it; with storage refused the questions still work; printed, each question
  shows its answer and why; axe-core finds nothing serious; nothing on the console.
"""

from __future__ import annotations

import html
import json
import math
import re

import numpy as np
import pytest

from lesson import lessons
from site_build import questions

MIN_PER_LESSON = 4
FIELDSET = re.compile(r"<fieldset (?=[^>]*dh-question)([^>]*)>(.*?)</fieldset>", re.S)


def central_difference(f, w, h=1e-6):
    w = np.asarray(w, dtype=float)
    return np.array([(f(w + h * e) - f(w - h * e)) / (2 * h) for e in np.eye(len(w))])


def walk_parabola(eta, steps, w=0.0):
    for _ in range(steps):
        w = w - eta * 2 * (w - 3)
    return w


def squared_misses(outputs, label):
    return sum((a - (1.0 if j == label else 0.0)) ** 2 for j, a in enumerate(outputs))


def count_parameters(layer=None):
    from downhill.network import init_network

    net = init_network(rng=np.random.default_rng(0))
    layers = list(zip(net.W, net.b))
    if layer is not None:
        layers = [layers[layer]]
    return sum(w.size + b.size for w, b in layers)


def training_steps():
    from downhill.data import load_digits
    from downhill.training import BATCH_SIZE, EPOCHS

    return math.ceil(len(load_digits().y_train) / BATCH_SIZE) * EPOCHS


def pixels_per_image():
    from downhill.data import load_digits

    return load_digits().x_train.shape[1]


def bowl(w):
    from downhill.descent import bowl

    return bowl(w)


# Each question's number, computed here without the expression the page used.
EXPECTED = {
    "network-input-neurons": lambda: [pixels_per_image()],
    "network-sigmoid-at-zero": lambda: [1 / (1 + math.exp(-0.0))],
    "network-middle-layer-parameters": lambda: [count_parameters(layer=1)],
    "cost-one-miss": lambda: [
        squared_misses([0.5 if j == 3 else 0 for j in range(10)], 3)
    ],
    "cost-two-examples": lambda: [
        (squared_misses([0.1] * 10, 3) + squared_misses(np.eye(10)[7], 7)) / 2
    ],
    "landscape-slope-at-minus-two": lambda: [central_difference(bowl, [-2.0, 0.0])[0]],
    "landscape-bowl-gradient": lambda: list(central_difference(bowl, [1.0, -2.0])),
    "gd-first-step": lambda: [walk_parabola(0.25, 1)],
    "gd-second-step": lambda: [walk_parabola(0.25, 2)],
    "backprop-forward-passes": lambda: [2 * count_parameters()],
    "training-steps": lambda: [training_steps()],
    "memorization-shrug-cost": lambda: [squared_misses([0.1] * 10, 3)],
}


def asked(site, slug: str) -> list[dict]:
    """The questions of a built lesson: id, kind, attributes, and its explanations."""
    built = (site / "lessons" / slug / "index.html").read_text(encoding="utf8")
    out = []
    for attributes, body in FIELDSET.findall(built):
        data = dict(re.findall(r'([\w-]+)="([^"]*)"', attributes))
        whys = re.findall(r'<div class="dh-why"([^>]*)>(.*?)</div>', body, re.S)
        out.append(
            {
                "id": data["data-question"],
                "kind": data["data-kind"],
                "answer": json.loads(html.unescape(data.get("data-answer", "null"))),
                "tolerance": float(data.get("data-tolerance", 0)),
                "choices": len(re.findall(r'<div class="dh-choice"', body)),
                "whys": [
                    (
                        dict(re.findall(r'([\w-]+)="([^"]*)"', a)),
                        re.sub("<[^>]+>", "", t),
                    )
                    for a, t in whys
                ],
            }
        )
    return out


@pytest.mark.parametrize("slug", lessons())
def test_every_lesson_asks_questions_with_an_explanation_for_every_answer(site, slug):
    found = asked(site, slug)
    assert len(found) >= MIN_PER_LESSON, (
        f"lessons/{slug}: {len(found)} questions (at least {MIN_PER_LESSON})"
    )
    for question in found:
        kinds = [a["data-why"] for a, text in question["whys"] if text.strip()]
        if question["kind"] == "choice":
            assert question["choices"] >= 2
            assert kinds == ["choice"] * question["choices"], question["id"]
        else:
            assert kinds[0] == "right" and kinds[-1] == "otherwise", question["id"]
            assert "wrong" in kinds, f"{question['id']}: no anticipated wrong answer"


def test_question_ids_are_unique_in_the_site(site):
    ids = [q["id"] for slug in lessons() for q in asked(site, slug)]
    assert len(ids) == len(set(ids))


def test_every_number_a_question_expects_is_computed_again_and_matches(site):
    numeric = {
        q["id"]: q
        for slug in lessons()
        for q in asked(site, slug)
        if q["kind"] == "number"
    }
    assert set(numeric) == set(EXPECTED), (
        "tests/test_questions.py EXPECTED must compute every numeric question's "
        f"answer: missing {sorted(set(numeric) - set(EXPECTED))}, "
        f"stale {sorted(set(EXPECTED) - set(numeric))}"
    )
    for qid, question in numeric.items():
        expected = EXPECTED[qid]()
        assert question["answer"] == pytest.approx(expected, abs=1e-6), qid


# --- a contributor's mistakes fail the build, naming page and line ---------------

GOOD = """\
id: ok
ask: What is one plus one?
answer: 1 + 1
tolerance: 0
right: It is {answer}.
wrong:
  - answer: answer - 1
    why: You added nothing.
otherwise: Count again.
"""


def page_with(*bodies: str) -> str:
    return "# A page\n\n" + "\n".join(f"```question\n{b}```\n" for b in bodies)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (GOOD.replace("id: ok\n", ""), "docs/p.md:3: every question needs a stable `id:`"),
        (GOOD.replace("right: It is {answer}.\n", ""), "docs/p.md:3 (ok): `right:` is missing"),
        (GOOD.replace("answer: 1 + 1", "answer: 1 / 0"), "docs/p.md:6: the answer '1 / 0' failed: ZeroDivisionError"),
        (GOOD.replace("tolerance: 0\n", ""), "docs/p.md:3: ok: `tolerance:` is missing"),
        (GOOD.replace("    why: You added nothing.\n", ""), "`why:` is missing"),
        (GOOD.replace("answer - 1", "answer"), "is within the tolerance of the right one"),
        (GOOD.replace("ask: What is one plus one?", "ask: Say: one"), "docs/p.md:5: the question is not valid YAML"),
        ("id: c\nask: Pick\nchoices:\n  - text: a\n    why: b\n  - text: c\n    why: d\n", "mark exactly one choice `right: true`"),
    ],
)  # fmt: skip
def test_a_broken_question_names_its_page_and_line(body, expected):
    with pytest.raises(questions.QuestionError) as error:
        questions.render(page_with(body), "docs/p.md")
    assert expected in str(error.value)
    assert questions.render(page_with(GOOD), "docs/p.md")[0].count("<fieldset") == 1


def test_a_duplicate_id_names_both_lines():
    with pytest.raises(questions.QuestionError, match="already used on line 3"):
        questions.render(page_with(GOOD, GOOD), "docs/p.md")


def test_a_broken_question_stops_the_build(tmp_path):
    from test_build_errors import build_small_site, fails_with

    page = page_with(GOOD.replace("answer: 1 + 1", "answer: downhill.nowhere.x"))
    fails_with(
        build_small_site(tmp_path, page),
        tmp_path,
        "docs/page.md:6: the answer 'downhill.nowhere.x' failed: ModuleNotFoundError",
    )


def test_answers_are_shown_as_a_reader_types_them():
    assert questions.shown([26004.0], vector=False) == "26,004"
    assert questions.shown([0.25], vector=False) == "0.25"
    assert questions.shown([2.0, -4.0], vector=True) == "(2, -4)"


def test_a_notebook_shows_the_question_and_hides_the_answer():
    text = questions.for_notebook(page_with(GOOD), "docs/p.md")
    assert "```question" not in text and "id: ok" not in text
    assert "**Question.** What is one plus one?" in text
    assert "<details><summary>The answer</summary>" in text
    assert "**2**" in text and "It is 2." in text and "*If you got 1:*" in text


# --- in the browser ------------------------------------------------------------------

# A browser that refuses storage (cookies blocked): touching either store throws.
NO_STORAGE = """for (const name of ['localStorage', 'sessionStorage']) {
    Object.defineProperty(window, name, {get() {
        throw new DOMException('The operation is insecure.', 'SecurityError'); }});
}"""


@pytest.fixture
def reader(chromium):
    """A fresh browser context (empty storage) and its page, watched for errors."""
    from browser import watch

    contexts = []

    def open_page(init_script: str | None = None, **options):
        context = chromium.new_context(
            viewport={"width": 1280, "height": 900}, **options
        )
        if init_script:
            context.add_init_script(init_script)
        page = context.new_page()
        contexts.append(context)
        return page, watch(context, page)

    yield open_page
    for context in contexts:
        context.close()


def answer(page, qid: str, given: str) -> str:
    """Type or pick an answer, press Check; the text of the question's live region."""
    question = page.locator(f"#question-{qid}")
    if question.get_attribute("data-kind") == "choice":
        question.locator(f"input[value='{given}']").check()
    else:
        question.locator("input[type=text]").fill(given)
    question.locator(".dh-check").click()
    feedback = question.locator(".dh-feedback")
    assert feedback.get_attribute("aria-live") == "polite"
    assert feedback.get_attribute("role") == "status"
    return " ".join(feedback.inner_text().split())


def lesson_url(served, slug):
    return f"{served}/lessons/{slug}/"


def click_nav(page, path: str) -> None:
    """Follow the sidebar's link to `path` (e.g. "lessons/"): a real click, which
    Material's instant navigation serves without reloading the page."""
    page.evaluate(
        "window.__noReload = true;"
        "document.querySelectorAll('[data-progress-ready]')"
        ".forEach(e => delete e.dataset.progressReady)"
    )
    link = page.evaluate_handle(
        """path => [...document.querySelectorAll('.md-sidebar--primary a.md-nav__link')]
        .find(a => new URL(a.href).pathname.endsWith('/' + path))""",
        path,
    ).as_element()
    assert link, f"no sidebar link to {path}"
    link.scroll_into_view_if_needed()
    link.click()
    page.wait_for_function(
        "path => location.pathname.endsWith('/' + path)"
        " && document.querySelector('article[data-progress-ready]')",
        arg=path,
    )
    page.wait_for_load_state()
    assert page.evaluate("window.__noReload === true"), "the link reloaded the page"


@pytest.mark.browser
@pytest.mark.slow
def test_right_and_wrong_answers_get_their_explanation_announced(reader, served):
    page, traffic = reader()
    page.goto(lesson_url(served, "cost"))
    said = answer(page, "cost-one-miss", "0.025")
    assert said.startswith("✗ Not quite.") or said.startswith("Not quite.")
    assert "You averaged over the ten outputs" in said
    said = answer(page, "cost-one-miss", "0.5")
    assert "That is the size of the miss" in said
    said = answer(page, "cost-one-miss", "7")
    assert "Write the target" in said  # the explanation for anything else
    said = answer(page, "cost-one-miss", "a quarter")
    assert "is not a number" in said
    said = answer(page, "cost-one-miss", "0.2501")
    assert "Right." in said and "Only output 3 misses" in said
    said = answer(page, "cost-two-examples", "0.9")
    assert "That is the sum of the two costs" in said
    said = answer(page, "cost-why-square", "0")
    assert "Not quite." in said and "makes them bigger" not in said
    assert "Squaring a miss larger than 1" in said
    said = answer(page, "cost-why-square", "1")
    assert "Right." in said and "add up to exactly 0" in said
    page.goto(lesson_url(served, "landscape"))
    said = answer(page, "landscape-bowl-gradient", "(-2, 4)")
    assert "That is $-\\nabla C$" not in said and "the way to step" in said
    said = answer(page, "landscape-bowl-gradient", "2, -4")
    assert "Right." in said
    said = answer(page, "landscape-bowl-gradient", "2")
    assert "Type 2 numbers" in said
    page.goto(lesson_url(served, "backpropagation"))
    said = answer(page, "backprop-forward-passes", "13,002")
    assert "That is one per knob" in said
    assert "Right." in answer(page, "backprop-forward-passes", "26,004")
    assert "Right." in answer(page, "backprop-forward-passes", "26004")
    page.goto(lesson_url(served, "landscape"))
    page.locator("#question-landscape-slope-at-minus-two input").fill("4")
    page.locator("#question-landscape-slope-at-minus-two .dh-check").click()
    page.locator("#question-landscape-slope-at-minus-two .dh-show").click()
    shown = page.locator("#question-landscape-slope-at-minus-two .dh-feedback")
    assert "The answer: -4" in shown.inner_text()
    assert not traffic.console, traffic.console


@pytest.mark.browser
@pytest.mark.slow
def test_progress_survives_reload_and_instant_navigation_until_forgotten(
    reader, served
):
    page, traffic = reader()
    page.goto(lesson_url(served, "cost"))
    answer(page, "cost-one-miss", "0.25")
    answer(page, "cost-why-square", "0")
    done = page.locator(".dh-done button")
    assert done.inner_text() == "Mark this lesson done"
    done.click()
    assert "marked done" in page.locator(".dh-done-status").inner_text()

    page.reload()
    question = page.locator("#question-cost-one-miss")
    assert question.locator("input[type=text]").input_value() == "0.25"
    assert "Right." in question.locator(".dh-feedback").inner_text()
    assert page.locator("#q-cost-why-square-0").is_checked()
    assert (
        "Not quite."
        in page.locator("#question-cost-why-square .dh-feedback").inner_text()
    )
    assert page.locator(".dh-done button").inner_text() == "Mark as not done"
    # restored answers are not announced on arrival, later answers are
    page.wait_for_function(
        "() => [...document.querySelectorAll('.dh-feedback')]"
        ".every(f => f.getAttribute('aria-live') === 'polite')"
    )
    ticked = page.locator(
        ".md-sidebar--primary .md-nav__link", has=page.locator(".dh-done-mark")
    )
    assert ticked.count() == 1 and "What learning really means" in ticked.inner_text()

    click_nav(page, "lessons/")
    rows = page.locator(".md-typeset table a", has=page.locator(".dh-done-mark"))
    assert rows.count() == 1 and "the cost function" in rows.inner_text()
    summary = page.locator(".dh-progress-summary")
    assert summary.is_visible()
    lessons_count = len(lessons())
    assert f"1 of {lessons_count} lessons marked done" in summary.inner_text()
    assert "1 of 2 questions answered right" in summary.inner_text()
    page.locator(".dh-forget").click()
    assert "forgotten" in summary.inner_text()
    assert page.locator(".dh-done-mark").count() == 0

    click_nav(page, "lessons/cost/")
    assert page.locator("#question-cost-one-miss input[type=text]").input_value() == ""
    assert page.locator("#question-cost-one-miss .dh-feedback").inner_text() == ""
    assert page.locator(".dh-done button").inner_text() == "Mark this lesson done"
    page.reload()
    assert page.locator(".dh-done-mark").count() == 0
    assert not traffic.console, traffic.console


@pytest.mark.browser
@pytest.mark.slow
def test_with_storage_refused_the_questions_still_work(reader, served):
    page, traffic = reader(init_script=NO_STORAGE)
    page.goto(lesson_url(served, "gradient-descent"))
    assert (
        page.evaluate(
            "() => { try { localStorage; return false } catch (e) { return e.name } }"
        )
        == "SecurityError"
    )
    said = answer(page, "gd-first-step", "-1.5")
    assert "That step went uphill" in said
    assert "Right." in answer(page, "gd-first-step", "1.5")
    page.locator(".dh-done button").click()
    assert "for this visit" in page.locator(".dh-done-status").inner_text()
    click_nav(page, "lessons/")
    assert "keeps nothing" in page.locator(".dh-progress-summary").inner_text()
    assert page.locator(".md-typeset table .dh-done-mark").count() == 1
    assert not traffic.console, traffic.console


@pytest.mark.browser
@pytest.mark.slow
def test_printed_questions_show_their_answers(reader, served):
    page, _ = reader()
    page.goto(lesson_url(served, "cost"))
    page.emulate_media(media="print")
    number = page.locator("#question-cost-one-miss")
    assert number.locator(".dh-answer").is_visible()
    assert "The answer: 0.25" in number.locator(".dh-answer").inner_text()
    assert number.locator('.dh-why[data-why="right"]').is_visible()
    assert not number.locator('.dh-why[data-why="wrong"]').first.is_visible()
    assert not number.locator(".dh-actions").is_visible()
    choice = page.locator("#question-cost-why-square")
    assert choice.locator(".dh-why[data-right]").is_visible()
    marked = choice.locator(".dh-choice[data-right] label").evaluate(
        "label => getComputedStyle(label, '::after').content"
    )
    assert "the answer" in marked
    page.emulate_media(media="screen")
    assert not number.locator(".dh-answer").is_visible()
    assert not choice.locator(".dh-why[data-right]").is_visible()


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_answered_questions_and_the_progress_pass_axe(reader, served, scheme):
    from browser import SCREENSHOTS
    from test_pages_in_browser import SERIOUS, run_axe

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page, traffic = reader(color_scheme=scheme)
    page.goto(lesson_url(served, "landscape"))
    answer(page, "landscape-slope-at-minus-two", "4")
    answer(page, "landscape-which-way", "1")
    page.locator(".dh-done button").click()
    page.locator("#question-landscape-slope-at-minus-two").scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / f"questions-answered-{scheme}.png"))
    problems = [v for v in run_axe(page) if v["impact"] in SERIOUS]
    page.goto(f"{served}/lessons/")
    page.screenshot(path=str(SCREENSHOTS / f"questions-progress-{scheme}.png"))
    problems += [v for v in run_axe(page) if v["impact"] in SERIOUS]
    assert not problems, [
        (v["id"], n["target"], n["failureSummary"])
        for v in problems
        for n in v["nodes"]
    ]
    assert not traffic.console, traffic.console
