"""The theme's templates compiled once per process.

MkDocs makes a new Jinja environment for every run, and each environment compiles the theme's templates again:
a quarter of a small site's build. This plugin, added to every run's plugins, sets a bytecode cache on that
environment through MkDocs' public `on_env` event (Jinja's `Environment.bytecode_cache`), so that serve's
rebuilds, the shares of a build and every later build in the process load the compiled code instead. Jinja keys
each template by its name and file and checks its source's checksum: a template that changed is compiled again.
Environments whose settings change the compiled code are kept apart.

Given a file (the build's work folder has one, KEPT), the compiled templates are kept there too for the next
build's processes, each of which would compile them all again (0.15–0.2 s a process): read once a process,
written again (atomically) when a run compiled a template the file lacked. Jinja checks what it reads: code of
another Python version, or of a template whose source changed, is compiled again. Like the memos
(sitegen/memo.py), the file is trusted as the work folder is.
"""

from __future__ import annotations

import contextlib
import pickle
import threading
from pathlib import Path
from typing import Any

import jinja2
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import Files

from sitegen import fs

NAME = "sitegen-compiled-templates"
KEPT = "compiled-templates.pickle"
"""The file in the work folder where a build keeps the compiled templates for the next."""


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
            _compiled[0] += 1


_store: dict[tuple[object, ...], bytes] = {}
_lock = threading.Lock()
_compiled = [0]
"""How many templates this process compiled (new ones, and ones whose source changed), in a list to count in."""
_read: dict[Path, int] = {}
"""The files this process read into _store, with how many templates it had compiled when it read or last wrote
each."""


def _read_kept(path: Path) -> None:
    """Add what path keeps to _store, once a process."""
    with _lock:
        if path in _read:
            return
        kept: object = None
        with contextlib.suppress(Exception):  # a cache: whatever is wrong with it, compile again
            kept = pickle.loads(path.read_bytes())
        if isinstance(kept, dict):
            _store.update((k, v) for k, v in kept.items() if isinstance(k, tuple) and isinstance(v, bytes))
        _read[path] = _compiled[0]


def _keep(path: Path) -> None:
    """Write _store to path when this process compiled a template since it read or last wrote the file."""
    with _lock:
        if _compiled[0] == _read.get(path, 0):
            return
        data = pickle.dumps(dict(_store), protocol=pickle.HIGHEST_PROTOCOL)
        _read[path] = _compiled[0]
    with contextlib.suppress(OSError):  # a cache that cannot be kept is only slower next time
        fs.write_bytes(path, data)


def _settings(env: jinja2.Environment) -> tuple[object, ...]:
    """The environment's settings that shape a template's compiled code, and Jinja's version (its bytecode's own
    format number stays the same from one release to the next)."""
    return (jinja2.__version__, env.block_start_string, env.block_end_string, env.variable_start_string,
            env.variable_end_string, env.comment_start_string, env.comment_end_string, env.line_statement_prefix,
            env.line_comment_prefix, env.trim_blocks, env.lstrip_blocks, env.newline_sequence,
            env.keep_trailing_newline, env.optimized, repr(env.autoescape), env.is_async,
            tuple(sorted(env.extensions)))


class CompiledTemplates(BasePlugin):  # type: ignore[type-arg,no-untyped-call]
    """Give each run's Jinja environment the process's compiled templates (kept: the file they are kept in
    between builds, if any)."""

    def __init__(self, kept: Path | None = None) -> None:
        self.kept = kept

    def on_env(self, env: jinja2.Environment, config: Any, files: Files) -> jinja2.Environment:
        if self.kept is not None:
            _read_kept(self.kept)
        if env.bytecode_cache is None:
            env.bytecode_cache = _Compiled(_settings(env), _store, _lock)
        return env

    def on_post_build(self, config: Any) -> None:
        if self.kept is not None:
            _keep(self.kept)
