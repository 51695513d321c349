"""Turn a listing file's bytes into text: UTF-8 (with or without BOM), UTF-16 with BOM, Latin-1 fallback.

The fallback reads Latin-1 as browsers do, as Windows-1252: a paste saved on Windows has its curly quotes and
dashes in 0x80-0x9F, where ISO Latin-1 has only unprintable controls. Bytes Windows-1252 leaves undefined
fall back to ISO Latin-1, which reads any byte.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from sitegen.errors import ListingError

# Share of control characters above which a file is taken for binary, not a paste.
_BINARY_CONTROL_SHARE = 0.01
_ALLOWED_CONTROLS = {"\t", "\n", "\r", "\f", "\v"}


@dataclass(frozen=True, slots=True)
class Decoded:
    """A file's text and how it was read."""

    text: str
    encoding: str
    """The codec used: 'utf-8', 'utf-8-sig', 'utf-16', 'cp1252' or 'latin-1' (the last two: a fallback)."""

    @property
    def fallback(self) -> bool:
        """Whether the file was not Unicode and was read as Latin-1 / Windows-1252."""
        return self.encoding in ("cp1252", "latin-1")


def decode(data: bytes, path: str) -> Decoded:
    """Decode a listing's bytes, refusing binary files by name."""
    if data.startswith(codecs.BOM_UTF8):
        return _checked(_strict(data, "utf-8-sig", path), "utf-8-sig", path)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _checked(_strict(data, "utf-16", path), "utf-16", path)
    if b"\x00" in data:
        raise _binary(path)
    try:
        return _checked(data.decode("utf-8"), "utf-8", path)
    except UnicodeDecodeError:
        pass
    try:
        return _checked(data.decode("cp1252"), "cp1252", path)
    except UnicodeDecodeError:
        return _checked(data.decode("latin-1"), "latin-1", path)


def _strict(data: bytes, codec: str, path: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        raise ListingError(
            f"starts with a {codec} byte-order mark but is not valid {codec} (byte {exc.start})",
            path=path, hint="re-save the file as UTF-8",
        ) from None


def _checked(text: str, encoding: str, path: str) -> Decoded:
    if text:
        controls = sum(1 for ch in text if ord(ch) < 32 and ch not in _ALLOWED_CONTROLS)
        controls += text.count("\x7f") + text.count("\ufffd")
        if controls / len(text) > _BINARY_CONTROL_SHARE:
            raise _binary(path)
    return Decoded(text, encoding)


def _binary(path: str) -> ListingError:
    return ListingError("is a binary file, not a pasted listing", path=path,
                        hint="listings must be text files; remove it from the listings folder")
