"""A fake of the APIs sitegen talks to, served for real on 127.0.0.1: scripted answers, recorded requests."""

from __future__ import annotations

import contextlib
import http.server
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from sitegen.browser import serving


@dataclass
class Answer:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    drop: bool = False
    """Close the connection halfway through the body."""
    chunks: Callable[[], Iterable[bytes]] | None = None
    """Send these chunks instead of body, chunked (an endless or a slow answer), until the client goes away."""


@dataclass
class Request:
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    at: float


class FakeApi:
    """Routes a request to the first rule that matches it; a rule answers from its list, the last one repeating."""

    def __init__(self) -> None:
        self.rules: list[tuple[Callable[[str, dict[str, str]], bool], list[Answer]]] = []
        self.routes: list[tuple[Callable[[str, dict[str, str]], bool], Callable[[str, dict[str, str]], Answer]]] = []
        self.requests: list[Request] = []
        self.fallback = Answer(200, b"[]")

    def on(self, match: Callable[[str, dict[str, str]], bool], *answers: Answer) -> None:
        self.rules.append((match, list(answers)))

    def route(self, match: Callable[[str, dict[str, str]], bool], answer: Callable[[str, dict[str, str]], Answer]) -> None:
        """Answer what matches with a function of the path and query (a service with state of its own)."""
        self.routes.append((match, answer))

    def answer(self, path: str, query: dict[str, str]) -> Answer:
        for match, answers in self.rules:
            if match(path, query):
                return answers.pop(0) if len(answers) > 1 else answers[0]
        for match, compute in self.routes:
            if match(path, query):
                return compute(path, query)
        return self.fallback


@contextlib.contextmanager
def silent() -> Iterator[str]:
    """A server that accepts connections and never answers; yield its base URL."""
    import socket

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.02)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(2)
        for conn in held:
            conn.close()
        listener.close()


@contextlib.contextmanager
def serve(api: FakeApi) -> Iterator[str]:
    """Serve api on a free loopback port; yield its base URL."""

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # the body goes out at once, not held back until the headers are acknowledged

        def do_GET(self) -> None:
            self._answer({})

        def do_HEAD(self) -> None:
            self._answer({"method": "HEAD"})

        def _answer(self, extra: dict[str, str]) -> None:
            parts = urlsplit(self.path)
            query = {**{k: v[0] for k, v in parse_qs(parts.query).items()}, **extra}
            api.requests.append(Request(parts.path, query, dict(self.headers), time.monotonic()))
            answer = api.answer(parts.path, query)
            self.send_response(answer.status)
            for name, value in answer.headers.items():
                self.send_header(name, value)
            if answer.chunks is not None:
                self._chunked(answer.chunks())
                return
            self.send_header("Content-Length", str(len(answer.body)))
            self.end_headers()
            if self.command == "HEAD":
                return
            if answer.drop:
                self.wfile.write(answer.body[: len(answer.body) // 2])
                self.wfile.flush()
                self.close_connection = True
                return
            self.wfile.write(answer.body)

        def _chunked(self, chunks: Iterable[bytes]) -> None:
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            self.close_connection = True
            try:
                for chunk in chunks:
                    self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                    self.wfile.flush()
                self.wfile.write(b"0\r\n\r\n")
            except OSError:  # the client went away: what an endless answer expects
                return

        def log_message(self, format: str, *args: object) -> None:
            pass

    with serving(_QuietServer(("127.0.0.1", 0), Handler)) as port:
        yield f"http://127.0.0.1:{port}"


class _QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that hangs up on an endless or refused answer is what those tests want
