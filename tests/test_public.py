"""The public address: one marked setting in mkdocs.yml (site_build.public).

Unset, nothing installs from or links to an address the project has not claimed;
set (in a copy of the project), the notebooks install exactly their own version
of the course package, checked by a name only this course's distribution has.
"""

from __future__ import annotations

import importlib.metadata
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from mkdocs.config import load_config
from mkdocs.exceptions import ConfigurationError

from conftest import ROOT
from site_build import public
from site_build.notebooks import (
    COMMITTED,
    install_cell,
    lesson_notebook,
    notebook_targets,
    site_of,
)
from site_build.outline import lesson_pages

PACKAGE = public.package()
# The address the project once guessed and never owned, and what installing from a
# name or an address looks like in a notebook cell.
GUESSED = re.compile(r"downhill-course\.github\.io|github\.com/downhill-course")
INSTALLS = re.compile(r"pip[\"',\s]+install|git\+https?:|--no-deps")


def config_with(tmp_path: Path, setting: str):
    """The MkDocs config of a project copy whose marked setting reads `setting`."""
    for name in ("pyproject.toml", "mkdocs.yml"):
        shutil.copy(ROOT / name, tmp_path / name)
    for name in ("docs", "overrides", "site_build", "snippets"):
        if not (tmp_path / name).exists():
            (tmp_path / name).symlink_to(ROOT / name)
    text = (tmp_path / "mkdocs.yml").read_text(encoding="utf8")
    text, found = re.subn(r"^  public: null$", setting, text, flags=re.M)
    assert found == 1, "mkdocs.yml must hold the marked setting `  public: null`"
    (tmp_path / "mkdocs.yml").write_text(text, encoding="utf8")
    return load_config(str(tmp_path / "mkdocs.yml"))


SET = "  public:\n    repository: someone/the-course\n    package: downhill-course"


def run_cell(source: str, monkeypatch, installed: str | None) -> list[list[str]]:
    """Run an install cell with `installed` as the installed version of the
    course's distribution; return the commands it ran (none are really run)."""
    commands = []

    def version(name):
        if name != PACKAGE.name or installed is None:
            raise importlib.metadata.PackageNotFoundError(name)
        return installed

    monkeypatch.setattr(importlib.metadata, "version", version)
    monkeypatch.setattr(
        subprocess, "run", lambda command, **kwargs: commands.append(command)
    )
    exec(compile(source, "install cell", "exec"), {})
    return commands


# Unset: the project's state until a person registers the addresses --------------


def test_the_setting_is_unset_and_mkdocs_yml_names_no_address():
    config = load_config(str(ROOT / "mkdocs.yml"))
    assert public.public_of(config) is None
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf8")
    assert not re.search(r"^(site_url|repo_url|repo_name|edit_uri):", text, re.M)


def installs(notebook_text: str) -> bool:
    """Whether a notebook's code (its comments aside) installs something."""
    nb = nbformat.reads(notebook_text, as_version=4)
    code = "\n".join(
        line
        for cell in nb.cells
        if cell.cell_type == "code"
        for line in cell.source.split("\n")
        if not line.lstrip().startswith("#")
    )
    return bool(INSTALLS.search(code))


def test_unset_no_notebook_or_lab_installs_or_links_to_an_address():
    files = [*COMMITTED.glob("*.ipynb"), *(ROOT / "docs/labs").glob("*.ipynb")]
    assert len(files) == len(lesson_pages()) + 3
    for path in files:
        text = path.read_text(encoding="utf8")
        assert not GUESSED.search(text), f"{path.name}: links to the guessed address"
        assert not installs(text), f"{path.name}: installs something"
        assert "colab.research.google.com" not in text


def test_unset_the_install_cell_explains_and_installs_nothing(monkeypatch):
    cell = install_cell(site_of(load_config(str(ROOT / "mkdocs.yml"))))
    assert "#   %pip install /path/to/the/course\n" in cell
    assert max(map(len, cell.split("\n"))) <= 88  # as shown code must be
    assert (
        f"{PACKAGE.name.replace('-', '_')}-{PACKAGE.version}-py3-none-any.whl" in cell
    )
    assert run_cell(cell, monkeypatch, installed=PACKAGE.version) == []
    with pytest.raises(importlib.metadata.PackageNotFoundError, match=PACKAGE.name):
        run_cell(cell, monkeypatch, installed=None)


@pytest.mark.slow
def test_unset_the_built_site_installs_from_and_links_to_no_address(site):
    """Every text file of the built site: pages, search index, sitemap, notebooks."""
    offenders = []
    for path in sorted(site.rglob("*")):
        if path.suffix not in (".html", ".xml", ".json", ".ipynb", ".js", ".txt"):
            continue
        text = path.read_text(encoding="utf8", errors="replace")
        for pattern in (GUESSED, re.compile("colab\\.research\\.google\\.com")):
            if pattern.search(text):
                offenders.append(f"{path.relative_to(site)}: {pattern.pattern}")
        if path.suffix == ".ipynb" and installs(text):
            offenders.append(f"{path.relative_to(site)}: installs something")
    assert not offenders, "\n".join(offenders)
    home = (site / "index.html").read_text(encoding="utf8")
    # no repository button, no edit button, and the footer states the package
    assert 'class="md-source"' not in home and "md-content__button" not in home
    assert f"course package {PACKAGE.name} {PACKAGE.version}" in home


# Set, in a copy of the project ----------------------------------------------------


def test_set_the_addresses_follow_from_the_one_setting(tmp_path):
    config = config_with(tmp_path, SET)
    public.apply(config, tmp_path)
    assert config.site_url == "https://someone.github.io/the-course/"
    assert config.repo_url == "https://github.com/someone/the-course"
    assert config.repo_name == "someone/the-course"
    assert config.edit_uri == "edit/main/docs/"
    assert config.copyright.endswith(f"{PACKAGE.name} {PACKAGE.version}")


def test_set_a_notebook_installs_exactly_its_own_version(tmp_path, monkeypatch):
    site = site_of(config_with(tmp_path, SET))
    nb = nbformat.reads(lesson_notebook(lesson_pages()[1], site), as_version=4)
    cell = nb.cells[1].source
    wanted = [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--quiet",
        f"{PACKAGE.name}=={PACKAGE.version}",
    ]
    assert run_cell(cell, monkeypatch, installed=None) == [wanted]
    assert run_cell(cell, monkeypatch, installed="0.0.1") == [wanted]
    assert run_cell(cell, monkeypatch, installed=PACKAGE.version) == []
    # and it links to the lessons on the public site, and opens in Colab
    assert "(https://someone.github.io/the-course/lessons/" in nb.cells[0].source
    _, colab = notebook_targets(lesson_pages()[1], False, site)
    assert colab == (
        "https://colab.research.google.com/github/someone/the-course/blob/main/"
        f"notebooks/{Path(lesson_pages()[1]).stem}.ipynb"
    )
    # the cell is code a learner reads: formatted as the labs are
    monkeypatch.undo()
    (tmp_path / "cell.py").write_text(cell + "\n", encoding="utf8")
    ruff = [sys.executable, "-m", "ruff", "format", "--check", str(tmp_path)]
    assert subprocess.run(ruff, capture_output=True).returncode == 0


def test_set_with_another_package_name_fails_loudly(tmp_path):
    config = config_with(tmp_path, SET.replace("downhill-course", "downhill"))
    with pytest.raises(ConfigurationError, match="package is 'downhill'"):
        public.apply(config, tmp_path)
    config = config_with(tmp_path, "  public:\n    repository: not a repository")
    with pytest.raises(ConfigurationError, match="owner/name"):
        public.apply(config, tmp_path)
