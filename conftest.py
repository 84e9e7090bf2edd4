"""Root conftest: pytest-markdown-docs only reads hooks from a conftest at the
repository root. The hooks themselves live in downhill.site.pytest_plugin."""

pytest_plugins = ["downhill.site.pytest_plugin"]
