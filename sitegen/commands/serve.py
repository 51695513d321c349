"""`sitegen serve`: build the site, serve it, and rebuild what a change touches while curators write."""

from __future__ import annotations

import argparse
import contextlib
import shutil
import signal
import socket
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

from sitegen.commands.options import add_archive, add_config, add_jobs

if TYPE_CHECKING:
    from sitegen.serve.session import Session

HELP = "build the site, serve it and rebuild it as the archive changes (live preview)"


def _address(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    if not host or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not an address like 127.0.0.1:8000 (HOST:PORT)")
    return host.strip("[]"), int(port)


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    parser = commands.add_parser(
        "serve", help=HELP,
        description="Build the site into a temporary folder, serve it, and watch the archive (listings, notes, "
                    "taxonomy, API and metadata files), the docs folder and mkdocs.yml: a change rebuilds what it "
                    "touches and reloads the open pages. A note is on screen about a second after it is saved. "
                    "Ctrl-C stops the server and removes the temporary folder, and the site's folder in the "
                    "project's work folder .sitegen/.")
    add_archive(parser)
    add_config(parser)
    parser.add_argument("-a", "--dev-addr", type=_address, default=("127.0.0.1", 8000), metavar="HOST:PORT",
                        help="the address to serve on (default: 127.0.0.1:8000)")
    add_jobs(parser)
    return parser


@contextlib.contextmanager
def _interrupted_by_term() -> Iterator[None]:
    """Stop on SIGTERM as on Ctrl-C (a service manager's stop, a test's)."""
    def stop(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _unusable(host: str, port: int) -> str | None:
    """Return why the server could not listen on host:port (taken, or not this machine's), or None.

    The server binds only once the first build is done; this asks first, binding a socket as the server will
    (reusing an address a closed connection still holds)."""
    try:
        family, kind, _, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        with socket.socket(family, kind) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(address)
    except OSError as exc:
        return exc.strerror or str(exc)
    return None


def run(args: argparse.Namespace) -> int:
    from sitegen.errors import Report
    from sitegen.pipeline import BuildOptions
    from sitegen.publish.mkdocs_compat import check_versions
    from sitegen.serve.server import quiet_mkdocs
    from sitegen.serve.session import Session

    versions = Report()
    check_versions(versions)
    versions.emit()
    quiet_mkdocs()
    host, port = args.dev_addr
    taken = _unusable(host, port)
    if taken is not None:  # said before the build, not after it
        print(f"error: cannot serve on {host}:{port}: {taken} (choose another with -a HOST:PORT)", file=sys.stderr)
        return 1
    folder = Path(tempfile.mkdtemp(prefix="sitegen-serve-"))
    try:
        with _interrupted_by_term():
            session = Session(BuildOptions(archive=args.archive, site_dir=folder / "site", config_file=args.config,
                                           jobs=args.jobs))
            first = session.start()
            if first.kind != "full":
                return 1
            print(f"Built {first.pages} pages in {first.seconds:.1f} s", file=sys.stderr)
            if _serve(session, host, port) != 0:
                return 1
        print("Stopped.", file=sys.stderr)
        return 0
    except KeyboardInterrupt:
        print("Stopped.", file=sys.stderr)
        return 0
    finally:
        _remove(folder, args.config)


def _remove(folder: Path, config: Path) -> None:
    """Remove the session's temporary folder and its site's folder in the project's work folder."""
    from sitegen.layout import Layout, forget

    with contextlib.suppress(OSError):  # nothing else uses them; what is left, a later build clears
        forget(Layout.for_site(folder / "site", config))
    shutil.rmtree(folder, ignore_errors=True)


def _serve(session: Session, host: str, port: int) -> int:
    """Serve the session's site until Ctrl-C, rebuilding it on every change; return the exit status."""
    from sitegen.serve.server import Server

    def rebuild() -> None:
        done = session.rebuild(server.show)
        if done.kind in ("quick", "full"):
            print(done.line(), file=sys.stderr, flush=True)

    server = Server(rebuild, host, port, session.options.site_dir, session.notice)
    for path in session.watched:
        server.watch(str(path))
    try:
        server.serve()  # type: ignore[no-untyped-call]
    except KeyboardInterrupt:
        pass
    except OSError as exc:  # the address, taken since it was checked
        print(f"error: cannot serve on {host}:{port}: {exc.strerror or exc} "
              f"(choose another with -a HOST:PORT)", file=sys.stderr)
        return 1
    finally:
        server.shutdown()
    return 0
