"""The benchmark: a synthetic archive built by sitegen and by bare MkDocs, side by side, in one run.

Every measure runs in a child process (so peak memory is the build's own) on the same machine in the
same run: compare the ratios, not the seconds, across machines.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from sitegen import fs
from sitegen.layout import Layout, forget
from sitegen.parallel import cores
from sitegen.synth import new_day, synthesise

QUERY = "quantization"
BROAD_QUERY = "large language models"
"""A query of the archive's commonest words: the most a first search downloads."""
NEW_DAY = 20
"""Papers in the new day's listing a rebuild is timed with."""
FIRST_SEARCHES = 3
"""First searches timed per query (the median is reported)."""
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONHASHSEED": "0"}


@dataclass(frozen=True, slots=True)
class Timed:
    """A child process's wall time and peak resident memory."""

    seconds: float
    peak_rss_mb: float


def run_timed(argv: list[str], cwd: Path) -> Timed:
    """Run a command; fail loudly with its output when it fails.

    What earlier runs wrote is flushed to disk first, so that no run shares the disk with the kernel writing back
    the hundreds of megabytes the one before wrote."""
    if hasattr(os, "sync"):
        os.sync()
    start = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=cwd, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out = proc.stdout.read() if proc.stdout else b""
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed ({proc.returncode}):\n{out.decode(errors='replace')[-3000:]}")
    return Timed(round(seconds, 3), round(usage.ru_maxrss / 1024, 1))


def _gz(paths: list[Path]) -> int:
    return sum(len(gzip.compress(p.read_bytes(), compresslevel=6, mtime=0)) for p in paths)


def _tree_bytes(root: Path) -> int:
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file())


def _variant_config(base: Path, out: Path, site_dir: Path, **changes: Any) -> Path:
    config = yaml.safe_load(base.read_text(encoding="utf-8"))
    config["site_dir"] = str(site_dir)
    config.update(changes)
    fs.write_text(out, yaml.safe_dump(config, sort_keys=True))
    return out


SOURCE = Path("archive")
"""The archive whose papers the synthetic archive is made from."""


def run(papers: int, work: Path | None = None, seed: int = 0, browser: bool = True,
        jobs: int | None = None) -> dict[str, Any]:
    """Run the whole benchmark for an archive of `papers` papers; return the measures."""
    work = work or Path(tempfile.mkdtemp(prefix=f"sitegen-bench-{papers}-"))
    work.mkdir(parents=True, exist_ok=True)
    archive, site = work / "archive", work / "site"
    for added in archive.glob("listings/*_synth_day.txt"):  # the new day an earlier run in this folder added
        added.unlink()
    _clear(work)
    if not (archive / "listings").exists():
        synthesise(SOURCE, papers, archive, seed)
    jobs = jobs or cores()
    first, stages = _build(archive, site, work / "timings.json", jobs)
    increment = _increment(archive, site, work, jobs)
    rss = max(first.peak_rss_mb, increment.pop("peak_rss_mb"))
    # The same pages written out for bare MkDocs (a build feeds them to MkDocs from memory), untimed.
    _build(archive, work / "docs" / "site", work / "docs" / "timings.json", jobs, "--keep-docs")
    generated = Layout.for_site(work / "docs" / "site", Path("mkdocs.yml")).work / "mkdocs.yml"  # in the project

    # The floor: bare MkDocs on the very same pages, theme and nav (the search index is not in the docs), without
    # sitegen's hooks (their cost is sitegen's), in one process as `mkdocs build` runs.
    baseline_cfg = _variant_config(generated, work / "baseline.yml", work / "baseline-site", hooks=[])
    baseline = run_timed([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(baseline_cfg)], work)
    # The same build in one MkDocs process, in a folder of its own (no cache shared with the first build).
    one, stages_one = _build(archive, work / "jobs1" / "site", work / "jobs1" / "timings.json", 1)
    _material_site(generated, work)

    result: dict[str, Any] = {
        "papers": papers, "jobs": jobs, "cores": cores(),
        "total_s": first.seconds,
        "mkdocs_baseline_s": baseline.seconds,
        "total_jobs1_s": one.seconds,
        **increment,
        "peak_rss_mb": rss,
        "material_search_bytes_gz": _gz([work / "material-site" / "search" / "search_index.json"]),
        "stages_s": stages,
        "stages_jobs1_s": stages_one,
    }
    if browser:
        result.update(_searches(site, work))
    pages = sorted((site / "papers").glob("*.html"))
    result.update(_serve_note(archive, work, pages[len(pages) // 2].stem))
    result.update(_serve_listing(archive, work))
    result["ratios"] = _ratios(result)
    return result


def _increment(archive: Path, site: Path, work: Path, jobs: int) -> dict[str, Any]:
    """The daily increment, measured right after the full build of site: a rebuild with nothing changed, then one
    after a new day's listing, and the site's pages after it. Right after, in the state of the machine the full
    build was measured in: after the builds that follow write another gigabyte, the same rebuild measures up to a
    third slower for minutes (page cache, writeback), flushed or not. The day's listing goes once measured: the
    builds that follow are of the same papers as the first."""
    noop, _ = _build(archive, site, work / "timings-noop.json", jobs)
    listing = new_day(SOURCE, archive, NEW_DAY)
    day, day_stages = _build(archive, site, work / "timings-day.json", jobs)
    listing.unlink()
    pages = sorted((site / "papers").glob("*.html"))
    return {"noop_rebuild_s": noop.seconds, "new_day_rebuild_s": day.seconds,
            "largest_page_bytes": max(p.stat().st_size for p in site.rglob("*.html")),
            "site_bytes": _tree_bytes(site),
            "paper_page_bytes_median": int(statistics.median(p.stat().st_size for p in pages)),
            "stages_new_day_s": day_stages, "peak_rss_mb": max(noop.peak_rss_mb, day.peak_rss_mb)}


def _clear(work: Path) -> None:
    """Remove what an earlier run in this folder built, and its work folders: the full builds start clean."""
    for site in (work / "site", work / "docs" / "site", work / "jobs1" / "site"):
        forget(Layout.for_site(site, Path("mkdocs.yml")))
        if site.exists():
            shutil.rmtree(site)
    for folder in ("baseline-site", "material-site", "serve", "serve-listing"):
        shutil.rmtree(work / folder, ignore_errors=True)


def _searches(site: Path, work: Path) -> dict[str, Any]:
    """The first search in sitegen's site (two queries) and in Material's, each in a fresh browser."""
    result: dict[str, Any] = {}
    for key, query in (("", QUERY), ("_broad", BROAD_QUERY)):
        # Each a first search in a fresh browser; the median of three, as the machine is noisy.
        tries = [first_search(site, query) for _ in range(FIRST_SEARCHES)]
        seconds, loaded = statistics.median(t[0] for t in tries), tries[0][1]
        result[f"first_result{key}_s"] = seconds
        result[f"search_bytes_gz{key}"] = _gz([site / rel for rel in loaded])
        result[f"search_files{key}"] = len(loaded)
    result["material_first_result_s"] = first_result(
        work / "material-site", "index.html?q=" + QUERY, ".md-search-result__item")[0]
    return result


def _serve_listing(archive: Path, work: Path) -> dict[str, float]:
    """`sitegen serve` on the archive: seconds from a new day's listing landing in the listings folder (one
    rename, as `sitegen fetch` writes) to the first of its papers being served, and to the whole site rebuilt."""
    from sitegen.archive import Archive
    from sitegen.errors import Report
    from sitegen.pipeline import read_inputs
    from sitegen.serve.process import ServeProcess

    apart = work / "serve-listing"
    if apart.exists():  # the bench's own, from an earlier run in this work folder
        shutil.rmtree(apart)
    listing = new_day(SOURCE, apart, NEW_DAY, seed=2, after=archive)
    slug = read_inputs(Archive(apart), Report()).papers[0].slug
    (work / "serve").mkdir(exist_ok=True)
    server = ServeProcess(archive, Path("mkdocs.yml").resolve(), work / "serve", env=ENV)
    target = archive / "listings" / listing.name
    try:
        start = time.perf_counter()
        listing.replace(target)
        server.wait_until(f"papers/{slug}.html", "sg-title", seconds=600)
        shown = time.perf_counter() - start
        server.wait_for(r"^Rebuilt ", 600)
        rebuilt = time.perf_counter() - start
        return {"serve_new_listing_s": round(shown, 3), "serve_new_listing_all_s": round(rebuilt, 3)}
    finally:
        try:
            server.stop()  # first: the listing's removal would start a rebuild that the stop then waits for
        finally:
            target.unlink(missing_ok=True)


def _serve_note(archive: Path, work: Path, slug: str) -> dict[str, float]:
    """`sitegen serve` on the archive: seconds from saving a note to the served page showing it (3 edits)."""
    from sitegen.serve.process import note_edit_seconds

    (work / "serve").mkdir(exist_ok=True)
    edits = note_edit_seconds(archive, Path("mkdocs.yml").resolve(), work / "serve", slug, env=ENV)
    return {"serve_note_s": statistics.median(edits), "serve_note_max_s": max(edits)}


def _build(archive: Path, site: Path, timings: Path, jobs: int, *extra: str) -> tuple[Timed, dict[str, float]]:
    """Run `sitegen build` in a child process; return its time and its stages' seconds."""
    site.parent.mkdir(parents=True, exist_ok=True)
    timed = run_timed([sys.executable, "-m", "sitegen", "build", "--archive", str(archive), "--site-dir", str(site),
                       "--config", str(Path("mkdocs.yml").resolve()), "--timings", str(timings), "--jobs",
                       str(jobs), *extra], site.parent)
    return timed, json.loads(timings.read_text())


def _material_site(generated: Path, work: Path) -> None:
    """Build the same pages with Material's own search and header, for the search comparison."""
    config = yaml.safe_load(generated.read_text(encoding="utf-8"))
    theme = {k: v for k, v in config["theme"].items() if k != "custom_dir"}
    material_cfg = _variant_config(generated, work / "material.yml", work / "material-site", theme=theme,
                                   plugins=["search"], extra_css=[], hooks=[])
    run_timed([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(material_cfg)], work)


def first_search(site: Path, query: str) -> tuple[float, list[str]]:
    """Open sitegen's search page for query in a fresh browser; return the seconds to the best result on screen
    (the others fill in as their result data arrives), and the search files it downloaded by the time the first
    page of results had its snippets."""
    return first_result(site, f"search.html?q={urllib.parse.quote(query)}", "#sg-result-0",
                        then="!document.querySelector('.sg-result__snippet:not([data-loaded])')")


def first_result(site: Path, path: str, selector: str, then: str = "true") -> tuple[float, list[str]]:
    """Open path (over http, in a fresh headless Chromium); return the seconds to the first element matching
    selector, and the files under assets/search/ the page downloaded once the expression `then` held."""
    from sitegen.browser import chromium, serve

    with serve(site) as base, chromium() as context:
        page = context.new_page()
        page.goto(base + path, wait_until="commit")
        shown = page.wait_for_function(
            f"() => document.querySelector({json.dumps(selector)}) ? performance.now() : false",
            polling="raf", timeout=600_000)
        page.wait_for_function(then, timeout=600_000)
        names = page.evaluate("performance.getEntriesByType('resource').map(e => e.name)")
        loaded = sorted({urllib.parse.urlsplit(name).path.lstrip("/") for name in names
                         if name.startswith(base) and "/assets/search/" in name})
        return round(float(shown.json_value()) / 1000, 3), loaded


def _ratios(r: dict[str, Any]) -> dict[str, float]:
    ratios = {
        "total_over_baseline": r["total_s"] / r["mkdocs_baseline_s"],
        "jobs1_over_baseline": r["total_jobs1_s"] / r["mkdocs_baseline_s"],
        "jobs1_over_total": r["total_jobs1_s"] / r["total_s"],
        "noop_over_total": r["noop_rebuild_s"] / r["total_s"],
        "new_day_over_total": r["new_day_rebuild_s"] / r["total_s"],
    }
    if "first_result_s" in r:
        ratios["first_result_over_material"] = r["first_result_s"] / r["material_first_result_s"]
        ratios["search_bytes_over_material"] = r["search_bytes_gz"] / r["material_search_bytes_gz"]
    return {k: round(v, 3) for k, v in ratios.items()}


def table(result: dict[str, Any]) -> str:
    """Return the measures as an aligned two-column table."""
    rows = [(k, v) for k, v in result.items() if not isinstance(v, dict)]
    rows += [(f"stage {k}", v) for k, v in result["stages_s"].items()]
    rows += [(f"stage {k} (jobs 1)", v) for k, v in result["stages_jobs1_s"].items()]
    rows += [(f"stage {k} (new day)", v) for k, v in result["stages_new_day_s"].items()]
    rows += [(k, v) for k, v in result["ratios"].items()]
    width = max(len(k) for k, _ in rows)
    return "\n".join(f"{k:<{width}}  {v}" for k, v in rows)
