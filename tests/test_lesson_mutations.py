"""The lesson tests can fail: every number they read, altered, fails the check that read it.

Each lesson check (a test_* function of tests/test_lesson_<slug>.py taking only
`page`) runs once on the built article, which records every number it reads
(tests/lesson.py). Then, for each of those numbers, the check runs again on a copy
of the article in which that one number is printed with its last digit changed by
five, and must fail. No rebuild: the copies are made from the built text."""

from __future__ import annotations

import importlib
import inspect

import pytest

import lesson

pytestmark = pytest.mark.slow
SLUGS = lesson.lessons()


def checks_of(slug: str):
    """The lesson's checks: the test functions of its module that take only `page`."""
    module = importlib.import_module(f"test_lesson_{slug.replace('-', '_')}")
    return [
        function
        for name, function in vars(module).items()
        if name.startswith("test_")
        and inspect.isfunction(function)
        and list(inspect.signature(function).parameters) == ["page"]
    ]


def mutants(original: lesson.Article, check) -> tuple[list[lesson.Read], list[str]]:
    """(numbers the check read, those it still passes with altered)."""
    page = original.fresh()
    check(page)
    read = list(dict.fromkeys(page.reads))
    survivors = []
    for number in read:
        altered = lesson.mutation(number.printed)
        try:
            check(original.altered(number, altered))
        except (AssertionError, ValueError):
            continue
        where = getattr(original, number.source)
        context = where[max(0, number.start - 40) : number.end + 40]
        survivors.append(
            f"{check.__name__}: {number.printed} -> {altered} passes, in ...{context}..."
        )
    return read, survivors


def test_the_mutation_is_a_clear_error():
    assert [
        lesson.mutation(p) for p in ("0.63", "13,002", "9", "1.3e-9", "-0.2150")
    ] == ["0.68", "13,007", "4", "1.8e-9", "-0.2155"]


@pytest.mark.parametrize("slug", SLUGS)
def test_every_number_a_lesson_check_reads_can_fail_it(site, slug, record_property):
    original = lesson.read(site, slug)
    checks = checks_of(slug)
    assert checks, (
        f"tests/test_lesson_{slug.replace('-', '_')}.py has no check taking `page`"
    )
    covered, survivors = 0, []
    for check in checks:
        read, survived = mutants(original, check)
        covered += len(read)
        survivors += survived
    record_property("numbers under mutation", covered)
    assert not survivors, (
        f"lessons/{slug}: altered numbers no check catches:\n" + "\n".join(survivors)
    )
    print(
        f"lessons/{slug}: {covered} numbers read by {len(checks)} checks, each altered and caught"
    )
