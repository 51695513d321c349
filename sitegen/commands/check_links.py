"""`sitegen check-links`: check every external link of the archive's papers; record the results in links.json."""

from __future__ import annotations

import argparse

from sitegen.commands.options import add_archive

HELP = "check the papers' links (code repositories through GitHub's API) and record their state"


def _days(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of days")
    return int(text)


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    parser = commands.add_parser(
        "check-links", help=HELP,
        description="Check every external link the archive's papers carry (abstracts, the API's repository "
                    "and project page, linked models, datasets and spaces) and record each check in "
                    "ARCHIVE/links.json, which the build shows. GitHub repositories go through GitHub's REST API "
                    "(GITHUB_API_URL, token GITHUB_TOKEN); other links get an HTTP HEAD, falling back to GET. "
                    "Exits 0 when the checks ran, even if links are dead; an interrupted run keeps what it "
                    "checked. Writes links.json and nothing else.")
    add_archive(parser)
    parser.add_argument("--older-than", type=_days, metavar="DAYS",
                        help="check only links never checked, or last checked at least DAYS days ago")
    return parser


def run(args: argparse.Namespace) -> int:
    from sitegen.archive import Archive
    from sitegen.errors import Report
    from sitegen.linkcheck.run import check_links

    report = Report()
    try:
        print(check_links(Archive(args.archive), report, args.older_than))
    finally:
        report.emit()
    return 0
