"""Downhill: the code behind an executable course on how neural networks learn.

Every lesson figure and number on the site is computed by this package, and
the lessons include its source, so the code a reader sees is the code that ran.
"""
