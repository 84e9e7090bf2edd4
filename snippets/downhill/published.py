"""Published results the course compares itself with, from one table.

Every page that cites a published number reads it here (``published.csv``,
beside this module): the number as the source states it, and what it was
measured on (network, recipe, training data, the images it was scored on).
A published number is never typed into a lesson; our own results are computed
by the lessons' code and shown beside these.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

TABLE = Path(__file__).with_name("published.csv")


@dataclass(frozen=True)
class Result:
    key: str
    value: float  # percent
    shown: str  # as the source states it, e.g. "about 96%"
    network: str
    recipe: str
    data: str  # what it was trained on
    scored_on: str
    source: str
    url: str

    def __str__(self) -> str:
        return self.shown


@cache
def results() -> dict[str, Result]:
    with TABLE.open(encoding="utf8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return {row["key"]: Result(**{**row, "value": float(row["value"])}) for row in rows}


def result(key: str) -> Result:
    """One published result, e.g. ``result("nielsen_ch1").shown == "95.42%"``."""
    return results()[key]


def table(keys: list[str] | None = None) -> str:
    """Markdown table of these results (all of them by default), with their settings."""
    rows = [
        "| Result | Network | Recipe | Trained on | Scored on | Source |",
        "|---|---|---|---|---|---|",
    ]
    for r in [result(key) for key in keys] if keys else results().values():
        rows.append(
            f"| {r.shown} | {r.network} | {r.recipe} | {r.data} | {r.scored_on} "
            f"| [{r.source}]({r.url}) |"
        )
    return "\n".join(rows)
