"""`sitegen fetch`: add the days and the metadata the archive does not hold yet, from the APIs."""

from __future__ import annotations

import argparse
import datetime
import sys
from typing import TYPE_CHECKING

from sitegen.commands.options import add_archive

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
                    "ARCHIVE/listings/YYYY-MM-DD-hf-daily-<capture moment>.json; a day's list fills while the day "
                    "lasts, so a day is asked again until a capture taken two days after it (UTC) is held, and a "
                    "later capture is written only when it holds something new. With --since, every day of a range "
                    "without such a capture; with no date, every day since the newest one the listings state, and "
                    "those of the last week not complete yet. "
                    "--enrich fetches arXiv metadata (and looks pasted titles up). Only ever adds files, each "
                    "atomically. Endpoints: HF_ENDPOINT (token: HF_TOKEN) and SITEGEN_ARXIV_API.")
    add_archive(parser)
    when = parser.add_mutually_exclusive_group()
    when.add_argument("--date", type=_day, metavar="YYYY-MM-DD", help="fetch this day")
    when.add_argument("--since", type=_day, metavar="YYYY-MM-DD",
                      help="fetch every day from this one that has no complete capture yet")
    parser.add_argument("--until", type=_day, metavar="YYYY-MM-DD", help="with --since: the last day (default: "
                        "today, UTC)")
    parser.add_argument("--enrich", action="store_true",
                        help="fetch arXiv metadata for papers that have none, and look pasted titles up")
    return parser


def run(args: argparse.Namespace) -> int:
    from sitegen.archive import Archive
    from sitegen.errors import Report
    from sitegen.fetch.http import Services

    report = Report()
    archive = Archive(args.archive)
    services = Services.from_environment()
    try:
        if args.date or args.since or not args.enrich:
            _fetch_days(args, archive, services.hf, report)
        if args.enrich:
            from sitegen.fetch.days import now
            from sitegen.fetch.enrich import enrich

            print(enrich(archive, services, report, now().date()).summary())
    finally:
        report.emit()
        services.close()
    return 0


def _fetch_days(args: argparse.Namespace, archive: Archive, hf: Service, report: Report) -> None:
    from sitegen.errors import SitegenError
    from sitegen.fetch import days as fetching

    if args.until and not args.since:
        raise SitegenError("--until goes with --since", hint="e.g. --since 2025-12-01 --until 2025-12-07")
    held = fetching.captures(archive)
    today = fetching.now().date()
    if args.date:
        if fetching.is_complete(args.date, held.get(args.date, ())):
            print(f"{args.date}: the archive holds a capture taken once the day was complete; nothing to fetch")
            return
        days = [args.date]
    else:
        since = args.since or _since(archive, report, today)
        until = args.until or today
        if until < since:
            raise SitegenError(f"--until {until} is before --since {since}", hint="swap them")
        days = fetching.days_to_ask(since, until, held)
        again = sum(1 for day in days if day in held)
        span = f", {days[0]} to {days[-1]}" if len(days) > 1 else (f", {days[0]}" if days else "")
        print(f"Asking Hugging Face for {len(days)} day{'s' if len(days) != 1 else ''}{span} ({again} held but not "
              "complete yet)", file=sys.stderr)
    print(fetching.fetch_days(archive, days, hf, report).summary(len(days)))


def _since(archive: Archive, report: Report, today: datetime.date) -> datetime.date:
    """A bare fetch: from the newest day the listings state, or RECHECK_DAYS back when that is more recent."""
    from sitegen.errors import SitegenError
    from sitegen.fetch.days import RECHECK_DAYS, newest_day

    newest = newest_day(archive, report)
    if newest is None:
        raise SitegenError("the archive holds no dated listing to continue from", path=archive.listings_dir,
                           hint="pass --date YYYY-MM-DD or --since YYYY-MM-DD")
    return min(newest, today - datetime.timedelta(days=RECHECK_DAYS))
