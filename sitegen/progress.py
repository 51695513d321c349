"""Progress of long work: a bar on a terminal (tqdm, on stderr), nothing when the output is piped."""

from __future__ import annotations

import contextlib
import shutil
import sys
from collections.abc import Iterator

from tqdm import tqdm


@contextlib.contextmanager
def bar(total: int, what: str, unit: str = "item") -> Iterator[tqdm]:  # type: ignore[type-arg]
    """Yield a progress bar of total steps (call .update(), .set_postfix_str()); silent off a terminal."""
    # A terminal that reports no size (a fresh pty) makes tqdm draw nothing; shutil falls back to 80x24 there.
    size = shutil.get_terminal_size()
    progress = tqdm(total=total, desc=what, unit=unit, file=sys.stderr, leave=False, ncols=min(size.columns, 120),
                    nrows=size.lines, disable=not sys.stderr.isatty())
    try:
        yield progress
    finally:
        progress.close()


def notice(text: str) -> None:
    """Say something on stderr while work goes on (between a bar's redraws when one is shown)."""
    tqdm.write(text, file=sys.stderr)
