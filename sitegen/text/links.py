"""Find the links an abstract states, clean them and say what they point at."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from sitegen.model import Link, LinkKind, Paper

# Stop at characters a URL in prose does not contain: braces and brackets are LaTeX residue
# (`https://a.io/{https://a.io/}`, `\url{…}`), a backslash starts a macro.
_CANDIDATE = re.compile(r"https?://[^\s<>\"'`{}\[\]\\|^]+", re.IGNORECASE)
# A link written without its scheme (`github.com/IST-DASLab/qmoe`, `www.example.org`): a host with a common
# top-level domain followed by a path, or starting with `www.`; never inside another URL or an e-mail address.
_TLDS = "com|org|net|io|ai|dev|app|co|edu|gov|info|me|xyz|tech|page|site|cn|de|uk|fr|jp"
_BARE = re.compile(rf"(?<![\w@/.:-])(?:(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:{_TLDS})(?=/)|www\.(?:[a-z0-9-]+\.)+"
                   rf"(?:{_TLDS})\b)[^\s<>\"'`{{}}\[\]\\|^]*", re.IGNORECASE)
_TRAILING = ".,;:!?'\"*"
_SAFE_URL = re.compile(r"^https?://[A-Za-z0-9.-]+(?::\d{1,5})?(?:/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*)?"
                       r"(?:\?[A-Za-z0-9._~!$&'()*+,;=:@%/?-]*)?(?:#[A-Za-z0-9._~!$&'()*+,;=:@%/?-]*)?$")
_ARXIV = re.compile(r"(?:arxiv\.org/(?:abs|pdf)/|arXiv:\s?)(\d{4}\.\d{4,5})(?:v\d+)?", re.IGNORECASE)
_CODE_HOSTS = {"github.com", "gitlab.com", "bitbucket.org", "codeberg.org", "gitee.com", "sourceforge.net"}
_HF_HOSTS = {"huggingface.co", "hf.co"}
_OTHER_HOSTS = {"arxiv.org", "doi.org", "openreview.net", "aclanthology.org", "x.com", "twitter.com",
                "youtube.com", "youtu.be", "zenodo.org", "kaggle.com", "huggingface.host"}
_HF_NON_MODEL = {"papers", "docs", "blog", "learn", "models", "collections", "organizations", "posts", "join"}


def extract_links(text: str) -> tuple[Link, ...]:
    """Return the distinct http(s) links in text, cleaned and classified, in order of appearance."""
    links: list[Link] = []
    seen: set[str] = set()
    found = sorted([*_CANDIDATE.finditer(text), *_BARE.finditer(text)], key=lambda m: m.start())
    for match in found:
        url = clean_url(match[0] if "://" in match[0][:8] else "https://" + match[0])
        if url is None:
            continue
        key = url.rstrip("/").lower()
        if key not in seen:
            seen.add(key)
            links.append(Link(url=url, kind=classify(url)))
    return tuple(links)


def paper_links(paper: Paper) -> tuple[Link, ...]:
    """Return a paper's links: the repository and project page the API states first, then the abstract's."""
    stated: list[Link] = []
    repository = api_url(paper.facts.repository)
    if repository:
        kind = classify(repository)
        stated.append(Link(repository, LinkKind.CODE if kind is LinkKind.PROJECT else kind,
                           paper.facts.repository_stars))
    project = api_url(paper.facts.project_page)
    if project:
        stated.append(Link(project, LinkKind.PROJECT))
    keys = {link.url.rstrip("/").lower() for link in stated}
    return (*stated, *(link for link in extract_links(paper.abstract) if link.url.rstrip("/").lower() not in keys))


def api_url(value: str | None) -> str | None:
    """Return a URL an API states when it is a clean https:// link; anything else is not a link."""
    if not value or not value.strip().lower().startswith("https://"):
        return None
    return clean_url(value.strip())


def clean_url(raw: str) -> str | None:
    """Strip prose punctuation, unbalanced closing parentheses and `.git`; None when not a safe URL."""
    url = raw
    while True:
        before = url
        url = url.rstrip(_TRAILING)
        if url.endswith(")") and url.count("(") < url.count(")"):
            url = url[:-1]
        if url.lower().endswith(".git"):
            url = url[:-4]
        if url == before:
            break
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or "." not in parts.netloc or not _SAFE_URL.match(url):
        return None
    return url


def classify(url: str) -> LinkKind:
    """Say what a cleaned link points at: code, project page, a Hugging Face model/dataset/space, other."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.")
    path = [p for p in parts.path.split("/") if p]
    if host in _CODE_HOSTS:
        return LinkKind.CODE if len(path) >= 2 else LinkKind.OTHER
    if host in _HF_HOSTS:
        if path[:1] == ["datasets"] and len(path) >= 3:
            return LinkKind.HF_DATASET
        if path[:1] == ["spaces"] and len(path) >= 3:
            return LinkKind.HF_SPACE
        if len(path) >= 2 and path[0] not in _HF_NON_MODEL:
            return LinkKind.HF_MODEL
        return LinkKind.OTHER
    if host in _OTHER_HOSTS or any(host.endswith("." + h) for h in _OTHER_HOSTS):
        return LinkKind.OTHER
    return LinkKind.PROJECT


def arxiv_id(text: str) -> str | None:
    """Return the first arXiv id the text states (arxiv.org/abs/… or arXiv:NNNN.NNNNN)."""
    match = _ARXIV.search(text)
    return match[1] if match else None
