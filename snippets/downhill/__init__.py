"""Downhill: the code behind an executable course on how neural networks learn.

Every lesson figure and number on the site is computed by this package, and
the lessons include its source, so the code a reader sees is the code that ran.
"""

# The course package's version, written only here (pyproject.toml reads it): the
# site's footer and every notebook state it, and a published notebook installs it.
__version__ = "0.1.0"
