"""Turn markdown-exec's failure warnings into one precise build error.

markdown-exec runs each ```python exec="on"``` fence; when one raises, it logs a
warning (with a traceback that names no file) and puts the traceback in the
page. The build hook tags every executed fence with ``id="docs/page.md:LINE"``
first, so the warning carries the fence's location; `FenceFailures` collects
those warnings and `error_message` points at the exact page line that raised.
"""

from __future__ import annotations

import logging
import re

WARNING = re.compile(r"code block '(?P<id>[^']+)' exited with")
FRAME = re.compile(r'File "<code block: id (?P<id>[^>]+)>", line (?P<line>\d+)')
LOCATION = re.compile(r"^(?P<path>.+):(?P<line>\d+)$")


class FenceFailures(logging.Handler):
    """A logging handler that collects markdown-exec's failure reports."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.reports: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if WARNING.search(message):
            self.reports.append(message)

    def take(self) -> list[str]:
        reports, self.reports = self.reports, []
        return reports


def error_message(report: str) -> str:
    """'docs/x.md:45: ZeroDivisionError: ...' plus the traceback, from a report."""
    fence_id = WARNING.search(report)["id"]
    where = fence_id
    location = LOCATION.match(fence_id)
    frames = [frame for frame in FRAME.finditer(report) if frame["id"] == fence_id]
    if location and frames:
        line = int(location["line"]) + int(frames[-1]["line"])
        where = f"{location['path']}:{line}"
    output = report.split("Output is:", 1)[-1].strip("\n")
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    error = lines[-1] if lines else "the fence raised an error"
    return (f"{where}: {error}\n  in the python fence that starts at {fence_id} (traceback above).\n"
            f"  Fix the code or the data it reads, then rebuild; `pytest {location['path'] if location else 'docs/'}` "
            "runs the page's fences alone, faster.")
