"""MkDocs hooks sitegen's derived config adds (`hooks:`): run inside MkDocs, on each page it writes."""

from __future__ import annotations

from typing import Any

from sitegen.text.escape import readable_html


def on_post_page(output: str, page: Any, config: Any) -> str:
    """Write the harmless punctuation of archive text as itself again (see escape.readable_html)."""
    return readable_html(output)
