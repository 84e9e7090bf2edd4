"""Where the course is published: the one marked setting ``extra.public`` in mkdocs.yml.

It names the GitHub repository and the package-index name, and stays unset
(``public: null``) until a person has registered both. Everything that points at
a public address follows from it, and nothing does while it is unset:

* set: ``site_url`` (GitHub Pages of the repository, unless ``site`` says
  otherwise), ``repo_url``, ``repo_name`` and ``edit_uri``; the notebooks install
  exactly this version of the package from the index and offer "Open in Colab";
* unset: no repository link, no edit button, no Colab button, and the notebooks
  install nothing (their first cell says how to install the package from a
  checkout or a wheel).

``site_url`` is also where Material's instant navigation learns which links are
the site's own (it reads ``sitemap.xml``, whose addresses come from site_url; with
no site_url every link is a full page load). While the setting is unset a build
therefore states where it will be served: ``$DOWNHILL_SITE_URL`` (the publish
workflow sets it to its GitHub Pages address), else ``make serve``'s address
http://127.0.0.1:8000/; ``mkdocs serve`` sets its own.

The distribution's name and version are read from the project itself
(pyproject.toml, ``downhill.__version__``), never typed here.
"""

from __future__ import annotations

import ast
import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from mkdocs.exceptions import ConfigurationError

ROOT = Path(__file__).resolve().parents[1]
LOCAL_SITE = "http://127.0.0.1:8000/"  # where `make serve` serves the site
SITE_ENV = "DOWNHILL_SITE_URL"
REPOSITORY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]+$")


@dataclass(frozen=True)
class Package:
    """The course package as the index knows it: downhill-course 0.1.0."""

    name: str
    version: str


@dataclass(frozen=True)
class Public:
    """The confirmed public addresses (the marked setting, once set)."""

    repository: str  # owner/name on GitHub
    site_url: str  # https://owner.github.io/name/ unless the setting says otherwise
    branch: str = "main"

    @property
    def repo_url(self) -> str:
        return f"https://github.com/{self.repository}"


def package(root: Path = ROOT) -> Package:
    """The distribution name (pyproject.toml) and version (downhill.__version__).

    A small test site that borrows the hooks has no project of its own: it gets
    this repository's."""
    if not (root / "pyproject.toml").is_file():
        root = ROOT
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf8"))
    init = (root / "snippets/downhill/__init__.py").read_text(encoding="utf8")
    version = next(
        node.value.value
        for node in ast.parse(init).body
        if isinstance(node, ast.Assign)
        and [getattr(t, "id", None) for t in node.targets] == ["__version__"]
    )
    return Package(project["project"]["name"], version)


def public_of(config, root: Path = ROOT) -> Public | None:
    """The marked setting of a MkDocs config, checked; None while it is unset."""
    setting = (config.get("extra") or {}).get("public")
    if not setting:
        return None
    where = "mkdocs.yml, extra.public"
    if not isinstance(setting, dict) or not REPOSITORY.match(
        str(setting.get("repository", ""))
    ):
        raise ConfigurationError(
            f"{where}: expected `repository: owner/name` (the GitHub repository) "
            f"and `package: <name on the package index>`, found {setting!r}"
        )
    name = package(root).name
    if setting.get("package") != name:
        raise ConfigurationError(
            f"{where}: package is {setting.get('package')!r} but pyproject.toml "
            f"names the distribution {name!r}; confirm the registered name in both"
        )
    owner, repo = setting["repository"].split("/")
    site = setting.get("site") or f"https://{owner.lower()}.github.io/{repo}/"
    return Public(setting["repository"], site.rstrip("/") + "/")


def apply(config, root: Path = ROOT) -> None:
    """Derive the addresses MkDocs and Material use from the marked setting."""
    public = public_of(config, root)
    if public is not None:
        config.repo_url = public.repo_url
        config.repo_name = public.repository
        config.edit_uri = f"edit/{public.branch}/docs/"
    else:
        config.repo_url = config.repo_name = config.edit_uri = None
    # `mkdocs serve` has set its own address already: keep it.
    if not config.site_url:
        config.site_url = (
            public.site_url
            if public is not None
            else os.environ.get(SITE_ENV) or LOCAL_SITE
        )
    pkg = package(root)
    config.copyright = (
        f"{config.copyright} · course package {pkg.name} {pkg.version}"
        if config.copyright
        else f"Course package {pkg.name} {pkg.version}"
    )
