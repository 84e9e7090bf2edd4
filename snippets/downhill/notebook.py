"""Run the lessons' code in Jupyter exactly as it is written on the website.

On the website, what a lesson's code prints becomes part of the page: printed
Markdown is rendered and ``print(fig)`` shows the figure. In a notebook,
``from downhill.notebook import print`` makes the same lines do the same:

* ``print(fig)`` displays the figure (inline SVG that follows the notebook's
  light or dark theme);
* everything else a cell prints is collected and shown, when the cell ends,
  as rendered Markdown (tables, bold numbers, maths), as on the page.

Outside IPython this ``print`` is the ordinary one.
"""

from __future__ import annotations

import builtins
import io

from downhill.figures import CourseFigure

_pending: list[str] = []
_registered = False


def print(*args, sep=" ", end="\n", file=None, flush=False):  # noqa: A001 - the point is to stand in for print
    shell = _ipython()
    if file is not None or shell is None:
        builtins.print(*args, sep=sep, end=end, file=file, flush=flush)
        return
    _register(shell)
    if len(args) == 1 and isinstance(args[0], CourseFigure):
        _flush()
        _display_html(str(args[0]), "a figure: " + args[0].alt)
        return
    buffer = io.StringIO()
    builtins.print(*args, sep=sep, end=end, file=buffer)
    _pending.append(buffer.getvalue())


def _ipython():
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    return get_ipython()


def _register(shell) -> None:
    global _registered
    if not _registered:
        shell.events.register("post_run_cell", lambda *_: _flush())
        _registered = True


def _flush() -> None:
    if _pending:
        text = "".join(_pending)
        _pending.clear()
        from IPython.display import display

        display({"text/markdown": text, "text/plain": text}, raw=True)


def _display_html(html: str, text: str) -> None:
    from IPython.display import display

    display({"text/html": html, "text/plain": text}, raw=True)
