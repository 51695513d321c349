"""Shared helpers: fixture paths, reading a fixture listing, building an archive into a temp folder."""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest
from fakeapi import Answer, FakeApi, serve

from sitegen.errors import Report
from sitegen.ingest.listing import read_listing
from sitegen.model import PartialDate

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
LISTINGS = FIXTURES / "listings"
BUNDLED = ROOT / "archive"


def checksums(root: Path) -> dict[str, str]:
    """Every file below root (a path relative to it) and the SHA-256 of its bytes."""
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


BUNDLED_AT_START = checksums(BUNDLED)
"""The bundled archive as this test process found it, before any test built it (builds must leave it so)."""


def read_fixture(name: str, captured: PartialDate | None = None, report: Report | None = None):
    """Read one fixture listing, with an optional stated capture date."""
    return read_listing(LISTINGS / name, captured, report if report is not None else Report())


def make_archive(root: Path, listings: list[Path | tuple[str, bytes]], **files: str) -> Path:
    """Create an archive folder with the given listings (paths to copy, or (name, bytes)) and files."""
    (root / "listings").mkdir(parents=True)
    for item in listings:
        if isinstance(item, Path):
            shutil.copy(item, root / "listings" / item.name)
        else:
            (root / "listings" / item[0]).write_bytes(item[1])
    for name, text in files.items():
        path = root / name.replace("__", "/")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="session", autouse=True)
def one_ssl_context_per_trust_setting():
    """Reuse the SSL context httpx builds, one per trust setting, for the whole test process.

    httpx reads the system's CA bundle into a new context for every transport it makes (some 30 ms each; a fetch
    or a check-links run makes several), and the tests make hundreds, to fakes on 127.0.0.1 over plain http. The
    context handed out is the one httpx builds for the same arguments and the same SSL_CERT_FILE / SSL_CERT_DIR;
    only its reuse is new (sitegen could keep one per process itself, as this does)."""
    import httpx
    import httpx._transports.default as transports

    build = httpx.create_ssl_context
    made: dict[tuple[object, ...], object] = {}

    def create_ssl_context(verify=True, cert=None, trust_env=True):
        if verify is not True or cert is not None:
            return build(verify=verify, cert=cert, trust_env=trust_env)
        key = (trust_env, os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR"))
        if key not in made:
            made[key] = build(verify=verify, cert=cert, trust_env=trust_env)
        return made[key]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(httpx, "create_ssl_context", create_ssl_context)
        patch.setattr(transports, "create_ssl_context", create_ssl_context)
        yield


@pytest.fixture(scope="module")
def context():
    """One headless Chromium (a fresh profile) for a module's browser tests."""
    from sitegen.browser import chromium

    with chromium() as ctx:
        yield ctx


@pytest.fixture(scope="module")
def bundled_http(bundled_site):
    """The bundled archive's site served over http on a free loopback port: its base URL."""
    from sitegen.browser import serve

    with serve(bundled_site[0]) as url:
        yield url


@pytest.fixture(scope="session")
def bundled_site(tmp_path_factory):
    """Build the bundled archive once per test session; return (site_dir, result, work_dir)."""
    from sitegen.layout import Layout
    from sitegen.pipeline import BuildOptions, build

    out = tmp_path_factory.mktemp("bundled")
    result = build(BuildOptions(archive=BUNDLED, site_dir=out / "site", config_file=ROOT / "mkdocs.yml",
                                strict=True))
    return out / "site", result, Layout.for_site(out / "site", ROOT / "mkdocs.yml").work


# The fetch commands' tests: fake services on 127.0.0.1, and the clock the command reads.


class Clock:
    """The moment the fetch command reads (sitegen.fetch.days.now), set by each test."""

    def __init__(self) -> None:
        self.moment = datetime.datetime.now(datetime.timezone.utc)

    def now(self) -> datetime.datetime:
        return self.moment

    @staticmethod
    def at(text: str) -> datetime.datetime:
        return datetime.datetime.fromisoformat(text).replace(tzinfo=datetime.timezone.utc)

    def set(self, text: str) -> None:
        self.moment = self.at(text)


@pytest.fixture
def clock(monkeypatch):
    from sitegen.fetch import days

    moment = Clock()
    monkeypatch.setattr(days, "now", moment.now)
    return moment


@pytest.fixture
def api(monkeypatch):
    fake = FakeApi()
    with serve(fake) as base:
        fake.base = base
        # The Hub's repositories citing a paper: none, unless a test says otherwise.
        fake.route(lambda p, q: p.startswith("/api/arxiv/") and p.endswith("/repos"),
                   lambda p, q: Answer(200, b'{"models": [], "datasets": [], "spaces": []}'))
        monkeypatch.setenv("HF_ENDPOINT", base)
        monkeypatch.setenv("SITEGEN_ARXIV_API", base + "/api/query")
        monkeypatch.setenv("SITEGEN_HTTP_BACKOFF", "0")
        monkeypatch.setenv("SITEGEN_ARXIV_INTERVAL", "0.3")
        monkeypatch.delenv("HF_TOKEN", raising=False)
        yield fake


# Property tests: a fixed, reproducible example budget in CI (derandomized: the same examples every run).
# `HYPOTHESIS_PROFILE=dev` explores more, with random seeds; a test may set its own max_examples.
import os as _os  # noqa: E402

from hypothesis import settings as _hypothesis_settings  # noqa: E402

_hypothesis_settings.register_profile("ci", max_examples=100, deadline=None, derandomize=True,
                                      database=None, print_blob=True)
_hypothesis_settings.register_profile("dev", max_examples=1000, deadline=None)
_hypothesis_settings.load_profile(_os.environ.get("HYPOTHESIS_PROFILE", "ci"))


# Balancing the workers: `--dist loadfile` hands out whole files, by default those with the most tests first, so a
# long file of few tests (a module fixture building a big site, a browser) can start last and keep one worker busy
# while the other waits. Instead the files go out longest first, by the seconds tests/durations.json (committed,
# so that a fresh clone needs no .pytest_cache) gives each; a file it does not know yet counts as longest. The
# order only decides which worker runs a file and when, never what a test does. `SITEGEN_RECORD_DURATIONS=1
# .venv/bin/python -m pytest` writes the file again from that run's timings.

DURATIONS = Path(__file__).with_name("durations.json")
LONGEST_FIRST = "sitegen-longest-first"
_ORDERED = pytest.StashKey[bool]()


def pytest_configure(config: pytest.Config) -> None:
    if not hasattr(config, "workerinput") and config.getoption("dist", "no") == "loadfile":
        config.option.loadscopereorder = False  # the scheduler keeps the order the workers collected
        config.stash[_ORDERED] = True


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node) -> None:  # pytest-xdist's: what the main process tells each worker
    node.workerinput[LONGEST_FIRST] = node.config.stash.get(_ORDERED, False)


def _file_of(nodeid: str) -> str:
    return nodeid.split("::", maxsplit=1)[0]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not getattr(config, "workerinput", {}).get(LONGEST_FIRST):
        return
    seconds: dict[str, float] = json.loads(DURATIONS.read_text(encoding="utf-8")) if DURATIONS.is_file() else {}
    files = sorted({_file_of(item.nodeid) for item in items}, key=lambda f: (-seconds.get(f, float("inf")), f))
    order = {path: n for n, path in enumerate(files)}
    items.sort(key=lambda item: order[_file_of(item.nodeid)])  # stable: a file's tests keep their order


_timed: dict[str, float] = {}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    _timed[_file_of(report.nodeid)] = _timed.get(_file_of(report.nodeid), 0.0) + report.duration


def pytest_sessionfinish(session: pytest.Session) -> None:
    if os.environ.get("SITEGEN_RECORD_DURATIONS") == "1" and _timed and not hasattr(session.config, "workerinput"):
        timed = {path: round(t, 1) for path, t in sorted(_timed.items(), key=lambda pt: (-pt[1], pt[0]))}
        DURATIONS.write_text(json.dumps(timed, indent=0) + "\n", encoding="utf-8")
