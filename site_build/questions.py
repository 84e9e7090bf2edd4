"""Questions with feedback: the ```` ```question ```` fences of a lesson.

A contributor writes a question in the lesson's markdown as a fence of YAML
(docs/contributing.md, "Ask a question"): a stable ``id``, the question (``ask``)
and either ``choices`` (multiple choice, each with why it is right or wrong) or an
``answer`` (a Python expression the package computes at build time, a number or a
short vector) with its ``tolerance``, the explanation of the ``right`` answer, the
anticipated ``wrong`` answers with theirs, and what to say ``otherwise``.

``render`` turns every question fence of a page into HTML that MkDocs converts
further (md_in_html: the texts stay markdown, so maths and hover terms work):
a fieldset with a legend, radio buttons or a labelled text box, and the
explanations, which docs/javascripts/questions.js shows one at a time in the
question's live region. No question has JS of its own. A question the build cannot
use (missing id, duplicate id, no explanation, an answer that fails) raises
``QuestionError`` naming the page and line, and the build stops.

``notebook_markdown`` writes the same question for a notebook: the question, the
choices, and the answer with its explanation in a collapsed <details>.
"""

from __future__ import annotations

import html
import importlib
import json
import math
import re
from dataclasses import dataclass, field

import yaml
from markdown_it import MarkdownIt

from site_build.fences import unindent_containers

ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
MODULE = re.compile(r"\bdownhill\.(\w+)")
CHOICE_KEYS = {"id", "ask", "choices"}
NUMBER_KEYS = {"id", "ask", "answer", "tolerance", "right", "wrong", "otherwise"}
HELP = "see docs/contributing.md, 'Ask a question'"


class QuestionError(ValueError):
    """A question the build cannot use; ``str`` is ``page:line: what is wrong``."""


@dataclass(frozen=True)
class Choice:
    text: str
    why: str
    right: bool


@dataclass(frozen=True)
class Wrong:
    value: list[float]
    why: str


@dataclass(frozen=True)
class Question:
    id: str
    line: int  # the page line of the opening ```question
    ask: str
    choices: list[Choice] = field(default_factory=list)
    answer: list[float] = field(default_factory=list)  # one number, or a vector
    vector: bool = False
    tolerance: float = 0.0
    right: str = ""
    wrong: list[Wrong] = field(default_factory=list)
    otherwise: str = ""

    @property
    def kind(self) -> str:
        return "choice" if self.choices else "number"

    @property
    def shown_answer(self) -> str:
        if self.choices:
            return next(c.text for c in self.choices if c.right)
        return shown(self.answer, self.vector)


def shown(values: list[float], vector: bool) -> str:
    """A value as a reader would type it: 0.25, 26,004, or (2, -4) for a vector."""
    text = ", ".join(
        f"{int(v):,}" if v == int(v) and abs(v) < 1e15 else f"{v:.4g}" for v in values
    )
    return f"({text})" if vector else text


def evaluate(expression, where: str, answer=None) -> tuple[list[float], bool]:
    """Compute an answer: a Python expression with ``downhill`` (its modules
    imported as named) and ``np``; a wrong answer's may also use ``answer``, the
    right one (a float, or a numpy vector). Returns (numbers, is a vector)."""
    import numpy as np

    import downhill

    source = str(expression)
    try:
        for module in set(MODULE.findall(source)):
            importlib.import_module(f"downhill.{module}")
        names = {"downhill": downhill, "np": np}
        if answer is not None:
            names["answer"] = np.array(answer) if len(answer) > 1 else answer[0]
        value = eval(source, names)
        vector = np.ndim(value) > 0
        numbers = [float(v) for v in np.ravel(np.asarray(value, dtype=float))]
    except Exception as error:  # noqa: BLE001 - any failure is the author's to fix
        raise QuestionError(
            f"{where}: the answer {source!r} failed: {type(error).__name__}: {error}"
        ) from None
    if not numbers or not all(math.isfinite(v) for v in numbers):
        raise QuestionError(
            f"{where}: the answer {source!r} gave {numbers}: not finite numbers"
        )
    return numbers, vector


def key_line(body: str, key: str, first: int) -> int:
    """The page line of ``key:`` in a fence body that starts on page line ``first``."""
    for offset, text in enumerate(body.split("\n")):
        if re.match(rf"^\s*-?\s*{key}\s*:", text):
            return first + offset
    return first - 1


def text_of(data: dict, key: str, where: str) -> str:
    value = data.get(key)
    if value is not None and not isinstance(value, str):
        raise QuestionError(
            f"{where}: `{key}:` must be text, YAML read {value!r}: put it in quotes"
        )
    if not value or not value.strip():
        raise QuestionError(f"{where}: `{key}:` is missing or empty ({HELP})")
    return value.strip()


def parse(body: str, line: int, page: str) -> Question:
    """One question from its fence body; ``line`` is the page line of the fence."""
    where = f"{page}:{line}"
    try:
        data = yaml.safe_load(body)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        at = f"{page}:{line + 1 + mark.line}" if mark else where
        problem = getattr(error, "problem", None) or error
        raise QuestionError(
            f"{at}: the question is not valid YAML ({problem}); put text with "
            f"colons in a `>` block ({HELP})"
        ) from None
    if not isinstance(data, dict):
        raise QuestionError(f"{where}: a question is a YAML mapping ({HELP})")
    qid = data.get("id")
    if not isinstance(qid, str) or not ID.match(qid):
        raise QuestionError(
            f"{where}: every question needs a stable `id:` of lowercase letters, "
            f"digits and dashes, e.g. `id: cost-one-miss` ({HELP})"
        )
    ask = text_of(data, "ask", where)
    if "choices" in data:
        unknown = set(data) - CHOICE_KEYS
        if unknown:
            raise QuestionError(
                f"{where}: {qid}: unknown keys {sorted(unknown)} for a multiple-choice "
                f"question (it has {sorted(CHOICE_KEYS)}; {HELP})"
            )
        return Question(qid, line, ask, choices=parse_choices(data, body, line, page))
    if "answer" not in data:
        raise QuestionError(
            f"{where}: {qid}: give `choices:` (multiple choice) or `answer:` (a Python "
            f"expression for a number or vector) ({HELP})"
        )
    unknown = set(data) - NUMBER_KEYS
    if unknown:
        raise QuestionError(
            f"{where}: {qid}: unknown keys {sorted(unknown)} for a question with an "
            f"answer (it has {sorted(NUMBER_KEYS)}; {HELP})"
        )
    answer_at = f"{page}:{key_line(body, 'answer', line + 1)}"
    answer, vector = evaluate(data["answer"], answer_at)
    tolerance = data.get("tolerance")
    if not isinstance(tolerance, (int, float)) or tolerance < 0:
        raise QuestionError(
            f"{where}: {qid}: `tolerance:` is missing: how far from the answer may a "
            f"reader's number be, e.g. `tolerance: 0.01` ({HELP})"
        )
    wrong = []
    for entry in data.get("wrong") or []:
        if not isinstance(entry, dict) or "answer" not in entry:
            raise QuestionError(
                f"{where}: {qid}: each `wrong:` entry has `answer:` and `why:` ({HELP})"
            )
        value, _ = evaluate(
            entry["answer"], f"{where} ({qid}, a wrong answer)", answer=answer
        )
        if len(value) != len(answer):
            raise QuestionError(
                f"{where}: {qid}: a wrong answer has {len(value)} numbers, the answer "
                f"{len(answer)}"
            )
        if all(abs(v - a) <= tolerance for v, a in zip(value, answer)):
            raise QuestionError(
                f"{where}: {qid}: the wrong answer {shown(value, vector)} is within "
                f"the tolerance of the right one"
            )
        why = text_of(entry, "why", f"{where} ({qid}, wrong answer {value})")
        wrong.append(Wrong(value, why))
    if not wrong:
        raise QuestionError(
            f"{where}: {qid}: list at least one anticipated `wrong:` answer with its "
            f"`why:` (the sign of the step, eta too big, averaging vs summing) ({HELP})"
        )
    return Question(
        qid,
        line,
        ask,
        answer=answer,
        vector=vector,
        tolerance=float(tolerance),
        right=text_of(data, "right", f"{where} ({qid})"),
        wrong=wrong,
        otherwise=text_of(data, "otherwise", f"{where} ({qid})"),
    )


def parse_choices(data: dict, body: str, line: int, page: str) -> list[Choice]:
    where = f"{page}:{key_line(body, 'choices', line + 1)}"
    qid = data["id"]
    entries = data["choices"]
    if not isinstance(entries, list) or len(entries) < 2:
        raise QuestionError(f"{where}: {qid}: give at least two `choices:` ({HELP})")
    choices = []
    for number, entry in enumerate(entries, 1):
        if not isinstance(entry, dict):
            raise QuestionError(
                f"{where}: {qid}: choice {number} is a mapping with `text:`, `why:` "
                f"and, for the right one, `right: true` ({HELP})"
            )
        at = f"{where} ({qid}, choice {number})"
        unknown = set(entry) - {"text", "why", "right"}
        if unknown:
            raise QuestionError(f"{at}: unknown keys {sorted(unknown)} ({HELP})")
        choices.append(
            Choice(
                text_of(entry, "text", at),
                text_of(entry, "why", at),
                entry.get("right") is True,
            )
        )
    if sum(c.right for c in choices) != 1:
        raise QuestionError(
            f"{where}: {qid}: mark exactly one choice `right: true` "
            f"({sum(c.right for c in choices)} are) ({HELP})"
        )
    return choices


def fences(markdown: str) -> list[tuple[int, int, str, str]]:
    """(first, end, indent, body) of every question fence: its lines
    ``[first, end)`` of ``markdown`` (0-based), wherever it is nested."""
    lines = markdown.split("\n")
    out = []
    for token in MarkdownIt("commonmark").parse(unindent_containers(markdown)):
        if token.type == "fence" and token.info.strip() == "question" and token.map:
            first, end = token.map
            opening = lines[first]
            out.append(
                (
                    first,
                    end,
                    opening[: len(opening) - len(opening.lstrip())],
                    token.content,
                )
            )
    return out


def find(
    markdown: str, page: str, offset: int = 0
) -> list[tuple[int, int, str, Question]]:
    """Every question fence of a page with its question; ``offset``: page lines
    above ``markdown`` (its front matter). Ids must differ within the page."""
    found, seen = [], {}
    for first, end, indent, body in fences(markdown):
        line = first + 1 + offset
        question = parse(body, line, page)
        if question.id in seen:
            raise QuestionError(
                f"{page}:{line}: the question id {question.id!r} is already used on "
                f"line {seen[question.id]}: ids must be unique (stored answers use them)"
            )
        seen[question.id] = line
        found.append((first, end, indent, question))
    return found


def replace(markdown: str, page: str, offset: int, write) -> tuple[str, list]:
    """The markdown with each question fence replaced by ``write(question)``,
    indented as the fence was, and the questions."""
    lines = markdown.split("\n")
    found = find(markdown, page, offset)
    for first, end, indent, question in reversed(found):
        written = [
            indent + line if line else line for line in write(question).split("\n")
        ]
        lines[first:end] = written
    return "\n".join(lines), [question for *_, question in found]


# --- The page's HTML ------------------------------------------------------------------


def attribute(value: str) -> str:
    return html.escape(value, quote=True)


def inline(text: str) -> str:
    """Markdown that must stay on one line (a legend, a label)."""
    return " ".join(text.split())


def explanation(kind: str, text: str, **data: str) -> str:
    extra = "".join(f' data-{k}="{attribute(v)}"' for k, v in data.items())
    return (
        f'<div class="dh-why" data-why="{kind}"{extra} data-search-exclude="true" '
        f'markdown="1">\n\n{text}\n\n</div>'
    )


def hint_for(q: Question) -> str:
    """What to type, under the text box."""
    whole = not q.tolerance
    if q.vector:
        example = ", ".join(str(n) for n in range(1, len(q.answer) + 1))
        kind = "whole numbers" if whole else "numbers"
        return f"{len(q.answer)} {kind} separated by commas, like ({example})" + (
            "." if whole else f"; each within {q.tolerance:g} of the answer counts."
        )
    if whole:
        return "A whole number."
    return f"A number; within {q.tolerance:g} of the answer counts."


def question_html(q: Question) -> str:
    """A question as md_in_html markup: the texts stay markdown for MkDocs."""
    name = f"q-{q.id}"
    head = (
        f'<fieldset class="dh-question" id="question-{q.id}" data-question="{q.id}" '
        f'data-kind="{q.kind}"'
    )
    parts = []
    if q.choices:
        parts.append(head + ' markdown="1">')
        parts.append(f'<legend markdown="span">{inline(q.ask)}</legend>')
        for number, choice in enumerate(q.choices):
            right = ' data-right=""' if choice.right else ""
            parts.append(
                f'<div class="dh-choice"{right} markdown="span">'
                f'<input type="radio" name="{name}" id="{name}-{number}" '
                f'value="{number}"> <label for="{name}-{number}">'
                f"{inline(choice.text)}</label></div>"
            )
    else:
        data = (
            f' data-answer="{attribute(json.dumps(q.answer))}"'
            f' data-tolerance="{q.tolerance!r}"'
            f' data-vector="{"true" if q.vector else "false"}"'
        )
        hint = hint_for(q)
        parts.append(head + data + ' markdown="1">')
        parts.append(f'<legend markdown="span">{inline(q.ask)}</legend>')
        parts.append(
            f'<div class="dh-number"><label for="{name}-input">Your answer</label> '
            f'<input type="text" id="{name}-input" name="{name}" autocomplete="off" '
            f'spellcheck="false" aria-describedby="{name}-hint"> '
            f'<span class="dh-hint" id="{name}-hint">{hint}</span></div>'
        )
    parts.append(
        '<div class="dh-actions" hidden><button type="button" class="md-button '
        'dh-check">Check</button> <button type="button" class="md-button '
        'dh-show" hidden>Show the answer</button></div>'
    )
    parts.append('<div class="dh-feedback" role="status" aria-live="polite"></div>')
    answer = shown(q.answer, q.vector) if q.answer else ""
    if q.choices:
        for number, choice in enumerate(q.choices):
            right = {"right": "true"} if choice.right else {}
            parts.append(explanation("choice", choice.why, choice=str(number), **right))
    else:
        parts.append(
            f'<p class="dh-answer" data-search-exclude="true">The answer: {answer}</p>'
        )
        parts.append(explanation("right", q.right.replace("{answer}", answer)))
        for wrong in q.wrong:
            parts.append(
                explanation(
                    "wrong",
                    wrong.why.replace("{value}", shown(wrong.value, q.vector)),
                    value=json.dumps(wrong.value),
                )
            )
        parts.append(explanation("otherwise", q.otherwise))
    parts.append("</fieldset>")
    return "\n\n".join(parts)


def render(markdown: str, page: str, offset: int = 0) -> tuple[str, list[Question]]:
    """The page's markdown with every question fence replaced by its HTML, and
    its questions."""
    return replace(markdown, page, offset, question_html)


# --- The lesson's notebook ---------------------------------------------------------


def notebook_markdown(q: Question) -> str:
    """The question as plain markdown: choices listed, answer collapsed."""
    lines = [f"**Question.** {inline(q.ask)}", ""]
    if q.choices:
        letters = "abcdefghij"
        lines += [f"- ({letters[n]}) {inline(c.text)}" for n, c in enumerate(q.choices)]
        right = next(n for n, c in enumerate(q.choices) if c.right)
        body = [f"**({letters[right]})** {inline(q.choices[right].text)}", ""]
        for n, choice in enumerate(q.choices):
            body += [f"*({letters[n]})* {choice.why}", ""]
    else:
        answer = shown(q.answer, q.vector)
        within = f" (within {q.tolerance:g})" if q.tolerance else ""
        body = [f"**{answer}**{within}", ""]
        body += [q.right.replace("{answer}", answer), ""]
        for wrong in q.wrong:
            value = shown(wrong.value, q.vector)
            body += [f"*If you got {value}:* {wrong.why.replace('{value}', value)}", ""]
    text = "\n".join(
        [*lines, "", "<details><summary>The answer</summary>", "", *body, "</details>"]
    )
    return re.sub(r"\n{3,}", "\n\n", text)


def for_notebook(markdown: str, page: str) -> str:
    """A page's markdown with each question fence as ``notebook_markdown``."""
    return replace(markdown, page, 0, notebook_markdown)[0]
