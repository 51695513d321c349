"""The browser tests' Chromium and http server: sitegen.browser, shared with the benchmark."""

from sitegen.browser import CHROMIUM, FLAGS, chromium, serve  # noqa: F401
