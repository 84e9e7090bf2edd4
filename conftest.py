"""Root conftest: pytest-markdown-docs only reads hooks from a conftest at the
repository root. The hooks themselves live in site_build.pytest_plugin."""

pytest_plugins = ["site_build.pytest_plugin"]
