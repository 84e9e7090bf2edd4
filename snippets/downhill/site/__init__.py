"""The lesson site's build machinery: MkDocs hooks and the checks they run.

Kept apart from the learning code, and in plain Python where it can be, so the
site could move to another MkDocs-compatible engine with little change.
"""
