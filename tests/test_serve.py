"""`make serve` as a contributor uses it: edits of a lesson under a running `mkdocs serve`.

A copy of the project (site_build.bench.copy_project; its package is the one
imported) is served with DOWNHILL_PAGE=docs/lessons/cost.md, so each rebuild
builds that page alone. Each edit waits for the rebuild with a generous deadline
and fails with the server's whole log: no timing is asserted.

* a one-sentence edit is rebuilt and served, even while a browser asks the server
  for files outside the site (/favicon.ico...): MkDocs logs those 404s as warnings,
  which strict mode counted, aborting the rebuild (site_build.patches.count_only_page_warnings);
* a fence that raises fails the rebuild naming docs/lessons/cost.md:LINE and the
  error; a link to a missing page fails it naming its line, and the output ends
  with that reason, not with the build report;
* the next good edit is rebuilt and served again.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import ROOT

pytestmark = pytest.mark.slow

PAGE = "docs/lessons/cost.md"
DEADLINE = 600  # seconds: a cold experiment cache trains networks first
REBUILT = re.compile(r"Reloading browsers|An error happened during the rebuild")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Served:
    """`mkdocs serve` of a project copy, its log, and edits of PAGE."""

    def __init__(
        self, project: Path, log: Path, process: subprocess.Popen, port: int
    ) -> None:
        self.project, self.log_file, self.process = project, log, process
        # mkdocs.yml sets no site_url (site_build.public derives it in a hook, after
        # `mkdocs serve` has chosen to serve at its root)
        self.origin = f"http://127.0.0.1:{port}"
        self.page_url = self.origin + "/lessons/cost/"
        self.original = (project / PAGE).read_text(encoding="utf8")
        self.edits = 0

    def log(self) -> str:
        return self.log_file.read_text(encoding="utf8", errors="replace")

    def wait_for(self, found, what: str) -> str:
        end = time.monotonic() + DEADLINE
        while time.monotonic() < end:
            log = self.log()
            if found(log):
                return log
            if self.process.poll() is not None:
                pytest.fail(f"mkdocs serve exited ({what}):\n{log}", pytrace=False)
            time.sleep(0.2)
        pytest.fail(f"no {what} within {DEADLINE} s:\n{self.log()}", pytrace=False)

    def edit(self, block: str = "") -> tuple[str, str, int]:
        """Rewrite PAGE with a new sentence (and block) under its title, in one rename.
        Returns the sentence, the log before the edit, and the block's first line."""
        self.edits += 1
        sentence = f"Serve test edit number {self.edits}."
        top = self.original.index("\n\n", self.original.index("\n# ")) + 2
        text = f"{self.original[:top]}{sentence}\n\n{block}{self.original[top:]}"
        before = self.log()
        staged = self.project / "staged.md"  # outside docs/: not watched
        staged.write_text(text, encoding="utf8")
        os.replace(staged, self.project / PAGE)
        return sentence, before, self.original[:top].count("\n") + 3

    def served(self) -> str:
        """The page now served, or "" while a rebuild holds requests (or after one failed)."""
        try:
            with urllib.request.urlopen(self.page_url, timeout=5) as response:
                return response.read().decode("utf8")
        except (urllib.error.URLError, TimeoutError, ConnectionError):
            return ""

    def wait_served(self, sentence: str, before: str) -> None:
        """Until the page is served with the sentence; fail at once if the rebuild fails."""
        end = time.monotonic() + DEADLINE
        while time.monotonic() < end:
            log = self.log()
            if "An error happened during the rebuild" in log[len(before) :]:
                pytest.fail(
                    f"the rebuild after the edit failed:\n{log[len(before) :]}",
                    pytrace=False,
                )
            if REBUILT.search(log[len(before) :]) and sentence in self.served():
                return
            time.sleep(0.2)
        pytest.fail(
            f"{sentence!r} not served within {DEADLINE} s:\n{self.log()}", pytrace=False
        )

    def wait_failed(self, before: str) -> str:
        """Until a rebuild after the edit fails; what the server printed since the edit."""
        log = self.wait_for(
            lambda log: REBUILT.search(log[len(before) :]), "rebuild after the edit"
        )
        since = log[len(before) :]
        assert "An error happened during the rebuild" in since, (
            f"the broken edit was published:\n{since}"
        )
        return since


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    from site_build.bench import copy_project

    project = copy_project(tmp_path_factory.mktemp("serve"))
    # The copy reads and fills the project's caches (writes are atomic and locked);
    # it gets its own copy of the fence cache, so its build report stays its own.
    fences = Path(
        os.environ.get("DOWNHILL_FENCE_CACHE_DIR") or ROOT / ".cache" / "fences"
    )
    if fences.is_dir():
        shutil.copytree(fences, project / ".cache" / "fences")
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(project / "snippets"),
        "DOWNHILL_PAGE": PAGE,
        "NO_MKDOCS_2_WARNING": "1",
        "MPLBACKEND": "Agg",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "DOWNHILL_CACHE_DIR": os.environ.get("DOWNHILL_CACHE_DIR")
        or str(ROOT / ".cache" / "downhill"),
        "DOWNHILL_FENCE_CACHE_DIR": str(project / ".cache" / "fences"),
    }
    log = project / "serve.log"
    # a file, not a pipe: nothing blocks the server
    with log.open("w", encoding="utf8") as output:
        process = subprocess.Popen(  # as `make serve` runs it
            [
                sys.executable,
                "-m",
                "mkdocs",
                "serve",
                "--dev-addr",
                f"127.0.0.1:{port}",
                "--livereload",
            ],
            cwd=project,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    server = Served(project, log, process, port)
    try:
        server.wait_for(lambda log: "Serving on" in log, "first build")
        yield server
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_a_good_edit_is_served_even_while_a_browser_asks_for_files_outside_the_site(
    served,
):
    """Browsers ask for /favicon.ico and the like; MkDocs answers 404 and logs a warning."""
    done = threading.Event()

    def browser():
        while not done.is_set():
            for path in (
                "/favicon.ico",
                "/.well-known/appspecific/com.chrome.devtools.json",
            ):
                try:
                    urllib.request.urlopen(served.origin + path, timeout=5).close()
                except (urllib.error.URLError, TimeoutError, ConnectionError):
                    pass
            time.sleep(0.02)

    asking = threading.Thread(target=browser, daemon=True)
    asking.start()
    try:
        sentence, before, _ = served.edit()
        served.wait_served(sentence, before)
    finally:
        done.set()
        asking.join()
    assert "code 404" in served.log()[len(before) :], (
        "the browser's requests did not overlap the rebuild"
    )


def test_a_broken_edit_names_its_line_and_the_next_good_edit_is_served(served):
    _, before, line = served.edit('```python exec="on"\nx = 1\nprint(x / 0)\n```\n\n')
    printed = served.wait_failed(before)
    assert f"{PAGE}:{line + 2}: ZeroDivisionError: division by zero" in printed, printed

    _, before, line = served.edit("See [the missing lesson](missing-lesson.md).\n\n")
    printed = served.wait_failed(before)
    reason = (
        f"{PAGE}:{line}: Doc file 'lessons/cost.md' contains a link 'missing-lesson.md'"
    )
    assert reason in printed, printed
    ending = printed[printed.index("Fences run and cached") :]  # after the build report
    assert (
        "Strict mode fails this build on what it logged" in ending and reason in ending
    ), printed

    sentence, before, _ = served.edit()
    served.wait_served(sentence, before)
