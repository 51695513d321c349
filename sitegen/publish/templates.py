"""The theme's templates compiled once per process.

MkDocs makes a new Jinja environment for every run, and each environment compiles the theme's templates again:
a quarter of a small site's build. This plugin, added to every run's plugins, sets a bytecode cache on that
environment through MkDocs' public `on_env` event (Jinja's `Environment.bytecode_cache`), so that serve's
rebuilds, the shares of a build and every later build in the process load the compiled code instead. Jinja keys
each template by its name and file and checks its source's checksum: a template that changed is compiled again.
Environments whose settings change the compiled code are kept apart.
"""

from __future__ import annotations

import threading
from typing import Any

import jinja2
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import Files

NAME = "sitegen-compiled-templates"


class _Compiled(jinja2.BytecodeCache):
    """Compiled templates in memory, by environment settings and Jinja's key for the template."""

    def __init__(self, settings: tuple[object, ...], store: dict[tuple[object, ...], bytes],
                 lock: threading.Lock) -> None:
        self._settings, self._store, self._lock = settings, store, lock

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with self._lock:
            code = self._store.get((self._settings, bucket.key))
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = bucket.bytecode_to_string()
        with self._lock:
            self._store[(self._settings, bucket.key)] = code


_store: dict[tuple[object, ...], bytes] = {}
_lock = threading.Lock()


def _settings(env: jinja2.Environment) -> tuple[object, ...]:
    """The environment's settings that shape a template's compiled code."""
    return (env.block_start_string, env.block_end_string, env.variable_start_string, env.variable_end_string,
            env.comment_start_string, env.comment_end_string, env.line_statement_prefix, env.line_comment_prefix,
            env.trim_blocks, env.lstrip_blocks, env.newline_sequence, env.keep_trailing_newline, env.optimized,
            repr(env.autoescape), env.is_async, tuple(sorted(env.extensions)))


class CompiledTemplates(BasePlugin):  # type: ignore[type-arg,no-untyped-call]
    """Give each run's Jinja environment the process's compiled templates."""

    def on_env(self, env: jinja2.Environment, config: Any, files: Files) -> jinja2.Environment:
        if env.bytecode_cache is None:
            env.bytecode_cache = _Compiled(_settings(env), _store, _lock)
        return env
