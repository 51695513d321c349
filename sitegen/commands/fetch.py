"""`sitegen fetch`: add the days and the metadata the archive does not hold yet, from the APIs."""

from __future__ import annotations

import argparse
import datetime
from typing import TYPE_CHECKING

from sitegen.commands.build import add_archive

if TYPE_CHECKING:
    from sitegen.archive import Archive
    from sitegen.errors import Report
    from sitegen.fetch.http import Service

HELP = "download Hugging Face's daily papers and arXiv metadata into the archive"


def _day(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2025-12-16") from None


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    parser = commands.add_parser(
        "fetch", help=HELP,
        description="Download a day's Hugging Face daily papers (every page) into "
                    "ARCHIVE/listings/YYYY-MM-DD-hf-daily.json, unchanged; with --since, every day of a range "
                    "the archive does not hold yet; with no date, every day since the newest one it holds. "
                    "--enrich fetches arXiv metadata (and looks pasted titles up). Only ever adds files, each "
                    "atomically. Endpoints: HF_ENDPOINT (token: HF_TOKEN) and SITEGEN_ARXIV_API.")
    add_archive(parser)
    when = parser.add_mutually_exclusive_group()
    when.add_argument("--date", type=_day, metavar="YYYY-MM-DD", help="fetch this day")
    when.add_argument("--since", type=_day, metavar="YYYY-MM-DD",
                      help="fetch every day from this one that the archive does not hold yet")
    parser.add_argument("--until", type=_day, metavar="YYYY-MM-DD", help="with --since: the last day (default: "
                        "today, UTC)")
    parser.add_argument("--enrich", action="store_true",
                        help="fetch arXiv metadata for papers that have none, and look pasted titles up")
    return parser


def run(args: argparse.Namespace) -> int:
    from sitegen.archive import Archive
    from sitegen.errors import Report
    from sitegen.fetch.http import Service

    report = Report()
    archive = Archive(args.archive)
    hf, arxiv = Service.hugging_face(), Service.arxiv()
    try:
        if args.date or args.since or not args.enrich:
            _fetch_days(args, archive, hf, report)
        if args.enrich:
            from sitegen.fetch.enrich import enrich

            print(enrich(archive, hf, arxiv, report, _today()).summary())
    finally:
        report.emit()
        hf.close()
        arxiv.close()
    return 0


def _today() -> datetime.date:
    return datetime.datetime.now(datetime.timezone.utc).date()


def _fetch_days(args: argparse.Namespace, archive: Archive, hf: Service, report: Report) -> None:
    from sitegen.errors import SitegenError
    from sitegen.fetch.days import days_between, fetch_days, held_days, newest_day

    if args.until and not args.since:
        raise SitegenError("--until goes with --since", hint="e.g. --since 2025-12-01 --until 2025-12-07")
    held = held_days(archive)
    if args.date:
        if args.date in held:
            print(f"{args.date}: the archive holds this day already; nothing to fetch")
            return
        days = [args.date]
    else:
        since = args.since or newest_day(archive, report)
        if since is None:
            raise SitegenError("the archive holds no dated listing to continue from", path=archive.listings_dir,
                               hint="pass --date YYYY-MM-DD or --since YYYY-MM-DD")
        until = args.until or _today()
        if until < since:
            raise SitegenError(f"--until {until} is before --since {since}", hint="swap them")
        days = days_between(since, until, held)
    print(fetch_days(archive, days, hf, report).summary(len(days)))
