"""The lesson site's build machinery: the MkDocs hooks and the checks they run.

Not part of the course package (pip install gives learners snippets/downhill only):
it lives in the repository and is loaded by mkdocs.yml (hooks: site_build/hooks.py),
by the root conftest.py and by the Makefile. Every module here imports MkDocs,
markdown-exec, nbconvert or pytest, or serves one that does.

One python fence, from the page to the built HTML:

1. hooks.py (on_page_markdown): fences.py finds each executed fence at its page
   line and tags it ``id="docs/page.md:LINE"``; a missing ``--8<--`` include fails here.
2. markdown-exec renders the fence with the runner of fence_cache.py (put in its
   place by patches.py): the printed output comes from the cache, or the fence runs
   in a fresh module and is stored. prefetch.py runs the fences the cache lacks
   ahead of the pages, on every core; lab_cache.py does the same for the labs.
3. hooks.py (on_page_content): a fence that raised fails the build at its page
   line; pages.py sets the figures' SVG aside, checks alt text, keeps code out of
   search; katex.py typesets the math.
4. hooks.py (on_post_page, on_post_build): the figures come back, notebooks.py adds
   the notebook buttons, build_report.py reports what ran.

Also here: outline.py (the course order from the nav: lesson numbers, titles and
questions, the lesson tables, the summaries and the parts of pages generated from
them), questions.py (the ```question fences: questions with feedback, answers
computed by the package), glossary.py (the glossary and hover terms), notebooks.py (each lesson as a
notebook; ``python -m site_build.notebooks``), pytest_plugin.py (lesson fences as
tests) and bench.py (``make bench``).
"""
