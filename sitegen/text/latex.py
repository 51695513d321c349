"""Clean the LaTeX residue that abstracts carry for display; leave `$…$` math for the renderer.

Known residue becomes text (`\\%` -> %, `Rozi\\`ere` -> Rozière, `\\url{x}` -> x, `textit{O}` -> O,
`G_{stack}` -> G_stack, `M^{3}` -> M³); an unknown macro (`\\mone`) stays as literal text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

# Accent macro -> combining character.
_ACCENTS = {
    "`": "\u0300", "'": "\u0301", "^": "\u0302", "~": "\u0303", "=": "\u0304", "u": "\u0306",
    ".": "\u0307", '"': "\u0308", "r": "\u030a", "H": "\u030b", "v": "\u030c", "c": "\u0327",
    "k": "\u0328",
}
_ACCENT = re.compile(r"\\([`'^~=.\"])\s?\{?([A-Za-z])\}?|\\([uvrHck])\{([A-Za-z])\}")
_ESCAPED = re.compile(r"\\([%&_#{}])")
# Text-style wrappers whose content is plain text; the seeds also carry them without the backslash.
_WRAPPER = re.compile(r"(?:\\|\b)(?:textit|textbf|texttt|textsc|textrm|textsf|emph|mathrm|mathbf|"
                      r"mathit|mbox|url|text)\{([^{}$]*)\}")
_SUPERSCRIPTS = str.maketrans("0123456789+-()n", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁽⁾ⁿ")
_SUBSCRIPTS = str.maketrans("0123456789+-()", "₀₁₂₃₄₅₆₇₈₉₊₋₍₎")
_SUP = re.compile(r"(?<=\w)\^(?:\{([0-9+\-n()]{1,6})\}|([0-9]{1,3}|n)(?![\w{]))")
_SUB_DIGITS = re.compile(r"(?<=[A-Za-z])_\{?([0-9]{1,3})\}?(?![\w{])")
_SUB_WORD = re.compile(r"(?<=\w)_\{(\w{1,20})\}")
_INLINE_POWER = re.compile(r"\$\^\{?([0-9+\-n()]{1,4})\}?\$")
_SINGLE_WORD_BRACES = re.compile(r"(?<![\\\w])\{([A-Za-z][\w-]*)\}")
_TIE = re.compile(r"(?<=\w)~(?=\w)")
_QUOTES = [("``", "\u201c"), ("''", "\u201d")]
# `\href{url}{text}` that lost its backslash and first braces: `url{text}`, often `url{url}`.
_HREF = re.compile(r"(https?://[^\s{}]+)\{([^{}]{1,200})\}")
# `\times` (and `\times` that lost its backslash, glued to a number: `48times`, `4timesRTX`, `1,536times1,536`).
_TIMES = re.compile(r"\\times(?![A-Za-z])|(?<=\d)times(?=[\s\dA-Z(),.;:]|$)")
# `\x2014` (and kin) that lost its backslash between words: `runx2014each`, `(7B)x2014a`.
_CODE_POINT = re.compile(r"(?<=[A-Za-z)\]])x(201[0-9a-f]|2026)(?=[A-Za-z])")


def clean(text: str) -> str:
    """Return text with LaTeX residue turned into what it displays as."""
    # Each rewrite runs only when its trigger character is there: most abstracts carry no LaTeX at all.
    if "$^" in text:
        text = _INLINE_POWER.sub(lambda m: m[1].translate(_SUPERSCRIPTS), text)
    if "://" in text and "{" in text:
        text = _HREF.sub(_href, text)
    if "times" in text:
        text = _protect_math(text, lambda part: _TIMES.sub("\u00d7", part))
    if "x20" in text:
        text = _CODE_POINT.sub(lambda m: chr(int(m[1], 16)), text)
    if "\\" in text:
        text = _ACCENT.sub(_accent, text)
    if "{" in text:
        for _ in range(3):  # nested wrappers: \textbf{\textit{x}}
            text = _WRAPPER.sub(r"\1", text)
    if "\\" in text:
        text = _ESCAPED.sub(_literal, text)
        text = _protect_math(text, lambda part: _MACRO.sub(_macro, part))
    if any(ch in text for ch in "^_{~"):
        text = _protect_math(text, _outside_math)
    for raw, shown in _QUOTES:
        if raw in text:
            text = text.replace(raw, shown)
    return text if text.isascii() else unicodedata.normalize("NFC", text)


# A macro left in the text, outside math: known ones become the text they print, a Greek letter its letter; any
# other shows its argument when it has one (`\\cite{x}`, `\\footnote{…}`), else its own name as a plain word (an
# author's `\\mone` for their model). Never raw. Not after a letter, digit, colon or slash: `C:\\Users` is a path.
_MACRO = re.compile(r"(?<![\w:/\\])\\([A-Za-z]+)(?:\{([^{}\\]{0,200})\})?")
_WORDS = {"aka": "a.k.a.", "ie": "i.e.", "eg": "e.g.", "etal": "et al.", "etc": "etc.", "wrt": "w.r.t.", "vs": "vs.",
          "cf": "cf.", "resp": "resp.", "ldots": "\u2026", "dots": "\u2026", "textellipsis": "\u2026",
          "textendash": "\u2013", "textemdash": "\u2014", "textasciitilde": "~", "LaTeX": "LaTeX", "TeX": "TeX",
          "quad": " ", "qquad": " ", "newline": " ", "par": " ", "noindent": "", "xspace": "", "textbar": "|"}
_GREEK = frozenset({"alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa", "lambda",
                    "mu", "nu", "xi", "omicron", "pi", "rho", "sigma", "tau", "upsilon", "phi", "chi", "psi", "omega"})


def _macro(match: re.Match[str]) -> str:
    name, argument = match[1], match[2]
    if name in _WORDS:
        return _WORDS[name] + (argument or "")  # `\\eg{}`: the braces only end the macro's name
    if name.lower() in _GREEK:
        case = "CAPITAL" if name[0].isupper() else "SMALL"
        return unicodedata.lookup(f"GREEK {case} LETTER {name.upper()}") + (argument or "")
    return argument if argument is not None else name


def _href(match: re.Match[str]) -> str:
    """`url{url}` shows the url once; `url{text}` shows the url, then its text in parentheses."""
    url, text = match[1], match[2].strip()
    if _same_url(url, text):
        return url
    return f"{url} ({text})"


def _same_url(a: str, b: str) -> bool:
    def bare(url: str) -> str:
        return re.sub(r"^https?://(www\.)?", "", url.strip().lower()).rstrip("/")
    return bare(a) == bare(b)


def _accent(match: re.Match[str]) -> str:
    macro, letter = (match[1], match[2]) if match[1] else (match[3], match[4])
    return letter + _ACCENTS[macro]


def _literal(match: re.Match[str]) -> str:
    return match[1]


def _outside_math(text: str) -> str:
    text = _SUP.sub(lambda m: (m[1] or m[2]).translate(_SUPERSCRIPTS), text)
    text = _SUB_DIGITS.sub(lambda m: m[1].translate(_SUBSCRIPTS), text)
    text = _SUB_WORD.sub(r"_\1", text)
    text = _SINGLE_WORD_BRACES.sub(r"\1", text)
    return _TIE.sub(" ", text)


def _protect_math(text: str, transform: Callable[[str], str]) -> str:
    """Apply transform to the text between `$…$` math spans only."""
    parts = split_math(text)
    return "".join(part if is_math else transform(part) for part, is_math in parts)


_MATH = re.compile(r"(?<![\\$])\$(?=\S)([^$\n]{1,300}?)(?<=\S)\$(?!\d)")


def split_math(text: str) -> list[tuple[str, bool]]:
    """Split text into (segment, is_math) parts; math is `$…$` in pandoc's sense (not `$5 and $10`).

    An escaped `\\$` never delimits math; display_text() shows it as a dollar.
    """
    parts: list[tuple[str, bool]] = []
    last = 0
    for match in _MATH.finditer(text):
        if match.start() > last:
            parts.append((text[last:match.start()], False))
        parts.append((match[0], True))
        last = match.end()
    if last < len(text):
        parts.append((text[last:], False))
    return parts


def display_text(segment: str) -> str:
    """Return a non-math segment as shown: an escaped dollar is a dollar."""
    return segment.replace("\\$", "$")


def plain(text: str) -> str:
    """Return cleaned text as plain text (for search, feeds and citations): math stays as its source."""
    return display_text(text)
