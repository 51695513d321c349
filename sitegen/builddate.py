"""The build's date: what the sitemap, the sitemap's gzip header and every zip entry carry.

SOURCE_DATE_EPOCH when set, else the newest capture date the archive states, else 1980-01-01; never the
clock, so that two builds of one archive are byte-identical wherever and whenever they run.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Iterable

from sitegen.errors import BuildError, shown
from sitegen.model import LAST_YEAR, Listing

DEFAULT_EPOCH = 315532800
"""1980-01-01 UTC, the earliest time a zip entry can hold: the date when nothing states one."""
LATEST_EPOCH = int(datetime.datetime(LAST_YEAR + 1, 1, 1, tzinfo=datetime.timezone.utc).timestamp()) - 1
"""The last second of LAST_YEAR: a later build date is a typo (and overflows gzip's and zip's headers)."""
_HINT = "set it to e.g. $(git log -1 --format=%ct) or unset it"


def stated_epoch() -> int | None:
    """Return SOURCE_DATE_EPOCH when it is set: a whole number of seconds up to the end of LAST_YEAR."""
    stated = os.environ.get("SOURCE_DATE_EPOCH")
    if stated is None:
        return None
    if not stated.strip().isdigit() or len(stated.strip()) > 12:
        raise BuildError(f"SOURCE_DATE_EPOCH is {shown(stated)}, not a whole number of seconds", hint=_HINT)
    if int(stated) > LATEST_EPOCH:
        raise BuildError(f"SOURCE_DATE_EPOCH is {int(stated)}, a date after {LAST_YEAR} (the latest year sitegen "
                         "accepts)", hint=_HINT)
    return int(stated)


def build_epoch(stated: int | None, listings: Iterable[Listing]) -> int:
    """Return the build's date: the stated one, else the newest capture date the listings state."""
    if stated is not None:
        return stated
    days = [datetime.date(c.year, c.month, c.day) for c in (lst.captured for lst in listings)
            if c is not None and c.year is not None]
    if not days:
        return DEFAULT_EPOCH
    newest = datetime.datetime.combine(max(days), datetime.time(), datetime.timezone.utc)
    return max(int(newest.timestamp()), DEFAULT_EPOCH)
