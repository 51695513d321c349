"""The `sitegen` command line. Problems a user can fix are one message, never a traceback."""

from __future__ import annotations

import argparse
import atexit
import contextlib
import importlib
import os
import sys
import traceback
from typing import Protocol, cast

from sitegen import __version__
from sitegen.errors import SitegenError

# Sub-commands, in the order `sitegen --help` lists them: modules under sitegen/commands/.
COMMANDS = ["build", "serve", "merge", "note", "fetch", "check_links", "bundle", "synth", "bench"]


class Command(Protocol):
    """A module of sitegen/commands/."""

    def register(self, commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> argparse.ArgumentParser:
        """Add the command's parser."""
        ...

    def run(self, args: argparse.Namespace) -> int:
        """Run the command; return its exit status."""
        ...


def _parser() -> tuple[argparse.ArgumentParser, dict[str, Command]]:
    parser = argparse.ArgumentParser(
        prog="sitegen",
        description="Publish an annotated, searchable archive of research papers from pasted "
                    "Hugging Face listing pages, as a MkDocs Material site.")
    parser.add_argument("--version", action="version", version=f"sitegen {__version__}")
    parser.add_argument("--debug", action="store_true", help="show a traceback when something fails")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    modules: dict[str, Command] = {}
    for name in COMMANDS:
        module = cast(Command, importlib.import_module(f"sitegen.commands.{name}"))
        sub = module.register(subparsers)
        sub.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                         help="show a traceback when something fails")
        modules[name.replace("_", "-")] = module  # check_links is `sitegen check-links`
    return parser, modules


def entry() -> None:
    """The `sitegen` command (and `python -m sitegen`): main(), then leave without tearing the interpreter down.

    A build holds millions of objects (papers, pages, memos); freeing them one by one at exit took a third of a
    second at 10,000 papers, as long as a twentieth of a day's rebuild, for nothing. The exit handlers still
    run and the streams are flushed; only the freeing is skipped. (Tests call main(), which returns.)"""
    status = main()
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):  # a closed pipe: nothing more can be said
            stream.flush()
    os._exit(status)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser, modules = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        return modules[args.command].run(args)
    except SitegenError as exc:
        if args.debug:
            traceback.print_exc()
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:  # the file system said no (a permission, a full disk, a file where a folder goes)
        if args.debug:
            traceback.print_exc()
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"error: {where}{exc.strerror or exc} (check the path, its permissions and the free space)",
              file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug, not the user's mistake: one line unless --debug
        if args.debug:
            traceback.print_exc()
        else:
            print(f"internal error: {_kind(exc)}: {exc} (run with --debug for the traceback; please report it)",
                  file=sys.stderr)
        return 70


def _kind(exc: BaseException) -> str:
    """Name an exception's type so it cannot read as a word of the message (struct.error, not "error")."""
    kind = type(exc)
    return kind.__qualname__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"
