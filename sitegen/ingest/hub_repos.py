"""Read the Hub's answers on which repositories cite a paper (`GET /api/arxiv/{arxiv_id}/repos`), saved unchanged
under metadata/hf-repos/ as `<arXiv id, / written _>.json`:

    {"models": [{"id": "owner/name", …}, …], "datasets": [{"id": …}, …], "spaces": [{"id": …}, …]}

The file name says which paper the answer is about. An item's id is its `id` (else `name`, else `modelId`: the
fields beyond `id` are not documented) and is kept only when it reads like a Hub repository id (`owner/name` or a
bare `name`); anything else is left out. Counts are the lengths of the lists as the Hub sent them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sitegen.errors import ListingError, Report, shown
from sitegen.model import HUB_REPOS_KEPT, Entry, Facts, HubRepos
from sitegen.text.arxiv_ids import arxiv_id

FOLDER = "hf-repos"
"""The folder of metadata/ the answers are saved in."""
KINDS = ("models", "datasets", "spaces")
"""The lists an answer holds, in the order pages show them."""
REPO_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,95}(?:/[A-Za-z0-9][A-Za-z0-9._-]{0,95})?")
"""A Hub repository id, whole (`fullmatch`): `owner/name`, or a bare `name` (the Hub's oldest models)."""
_ID_KEYS = ("id", "name", "modelId")
_WHAT = "the Hub's answer on the repositories that cite a paper (/api/arxiv/{id}/repos)"


def read_hub_repos(path: Path, data: bytes, report: Report) -> list[Entry]:
    """Return the one statement a saved answer makes: these repositories cite the paper its file name names."""
    identifier = arxiv_id(path.stem.replace("_", "/"))
    if identifier is None:
        raise ListingError("is not named for an arXiv id", path=path,
                           hint="name it <arXiv id>.json, / as _ (hep-th_9901001.json), as sitegen fetch does")
    try:
        value = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ListingError("is not UTF-8 text, so not an API response", path=path, hint="save it as the API sent it") \
            from None
    except json.JSONDecodeError as exc:
        raise ListingError(f"is not JSON: {exc.msg}", path=path, line=exc.lineno, hint=f"it should be {_WHAT}") \
            from None
    if isinstance(value, dict) and "error" in value and not any(kind in value for kind in KINDS):
        raise ListingError(f"is an error from the API: {shown(value.get('error'))}", path=path,
                           hint="fetch it again, or remove the file")
    repos = hub_repos(value) if isinstance(value, Mapping) else None
    if repos is None:
        raise ListingError("holds no list of models, datasets or spaces", path=path, hint=f"it should be {_WHAT}")
    return [Entry(title="", abstract="", author_count=None, published=None, upvote_count=None, line=1,
                  facts=Facts(arxiv_id=identifier, hub_repos=repos))]


def hub_repos(value: Mapping[str, Any]) -> HubRepos | None:
    """Return the repositories an answer lists, or None when it holds none of the three lists."""
    lists = {kind: value.get(kind) for kind in KINDS}
    if not any(isinstance(items, list) for items in lists.values()):
        return None
    ids = {kind: _ids(items) for kind, items in lists.items()}
    counts = {kind: len(items) if isinstance(items, list) else 0 for kind, items in lists.items()}
    return HubRepos(models=ids["models"], datasets=ids["datasets"], spaces=ids["spaces"],
                    model_count=counts["models"], dataset_count=counts["datasets"], space_count=counts["spaces"])


def _ids(items: Any) -> tuple[str, ...]:
    """Return the first HUB_REPOS_KEPT distinct well-formed ids of a list, in its order."""
    if not isinstance(items, list):
        return ()
    kept: dict[str, None] = {}
    for item in items:
        identifier = _id(item)
        if identifier is not None:
            kept[identifier] = None
            if len(kept) == HUB_REPOS_KEPT:
                break
    return tuple(kept)


def _id(item: Any) -> str | None:
    if not isinstance(item, Mapping):
        return None
    value = next((item[key] for key in _ID_KEYS if isinstance(item.get(key), str)), None)
    return value if value is not None and REPO_ID.fullmatch(value) else None
