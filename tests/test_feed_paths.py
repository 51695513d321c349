"""Feeds' relative addresses: render/feeds.relative() is posixpath.relpath() for the site's plain paths."""

from __future__ import annotations

import posixpath

from hypothesis import assume, given
from hypothesis import strategies as st

from sitegen.render.feeds import relative

name = st.text(alphabet="abcdefgh-_.0123456789", min_size=1, max_size=6).filter(lambda s: s not in (".", ".."))
path = st.lists(name, min_size=1, max_size=4).map("/".join)
folder = st.lists(name, min_size=0, max_size=3).map("/".join)


@given(path, folder)
def test_relative_is_relpath_for_plain_paths(target, base):
    assume(not f"{base}/".startswith(f"{target}/"))  # a file's address, never one of the folders it is seen from
    assert relative(target, base) == posixpath.relpath(target, base or ".")


def test_relative_from_the_feeds_folders():
    assert relative("papers/a.html", "topics") == "../papers/a.html"
    assert relative("topics/a.html", "topics") == "a.html"
    assert relative("index.html", "") == "index.html"
    assert relative("topics/a.html", "topics/a") == "../a.html"
