"""LaTeX residue cleaning, math, and link extraction."""

from __future__ import annotations

import pytest

from sitegen.model import LinkKind
from sitegen.render.math import to_mathml
from sitegen.render.pages import abstract_html
from sitegen.text.latex import clean, display_text, split_math
from sitegen.text.links import clean_url, extract_links


@pytest.mark.parametrize("raw, shown", [
    (r"a 54.6\% speedup", "a 54.6% speedup"),
    (r"Code Llama (Rozi\`ere et al., 2023)", "Code Llama (Rozière et al., 2023)"),
    (r"see \url{https://github.com/a/b}.", "see https://github.com/a/b."),
    (r"three critical textit{O}bstacles", "three critical Obstacles"),
    (r"called G_{stack}, exhibits", "called G_stack, exhibits"),
    (r"S$^2$ and M^{3}-20M and O(N^2).", "S² and M³-20M and O(N²)."),
    # Macros are never shown raw: known ones print their text, others their argument or their own name.
    (r"a model, \mone, designed (\aka MedS) \eg{} this", "a model, mone, designed (a.k.a. MedS) e.g. this"),
    (r"PanGu-\pi and \Omega, see \cite{lee2024} \ldots", "PanGu-π and Ω, see lee2024 …"),
    (r"math $\alpha \mone$ stays, as do C:\Users\me and a\b", r"math $\alpha \mone$ stays, as do C:\Users\me and a\b"),
    (r"``quoted'' ing~Our {without} using", "\u201cquoted\u201d ing Our without using"),
])
def test_latex_residue_is_cleaned(raw, shown):
    assert display_text(clean(raw)) == shown


def test_math_is_mathml_and_money_is_not_math():
    text = clean(r"loss $\alpha x^2$ costs $5 and $10 or \$3")
    parts = split_math(text)
    assert [p for p, is_math in parts if is_math] == [r"$\alpha x^2$"]
    html = abstract_html(text)
    assert "<math" in html and "<msup>" in html
    assert "costs &#36;5 and &#36;10 or &#36;3" in html


def test_math_with_attributes_from_input_stays_literal():
    assert to_mathml(r"$\color{red}{x}$") is None
    html = abstract_html(r"bad $\href{javascript:alert(1)}{x}$ end")
    assert "<math" not in html and "href" not in html.replace("&#92;href", "")


@pytest.mark.parametrize("text, url, kind", [
    ("code: https://github.com/horseee/LLM-Pruner.", "https://github.com/horseee/LLM-Pruner", LinkKind.CODE),
    ("https://llm-stacking.github.io/{https://llm-stacking.github.io/}.", "https://llm-stacking.github.io/",
     LinkKind.PROJECT),
    (r"at \url{https://github.com/DAMO-NLP-SG/multimodal_textbook}.",
     "https://github.com/DAMO-NLP-SG/multimodal_textbook", LinkKind.CODE),
    ("https://github.com/Pepperlll/LMforImageGeneration.git.", "https://github.com/Pepperlll/LMforImageGeneration",
     LinkKind.CODE),
    ("[https://huggingface.co/yikuan8/Clinical-Longformer].", "https://huggingface.co/yikuan8/Clinical-Longformer",
     LinkKind.HF_MODEL),
    ("https://huggingface.co/datasets/GAIR/preference-dissection", "https://huggingface.co/datasets/GAIR/preference-dissection",
     LinkKind.HF_DATASET),
    ("https://huggingface.co/spaces/GAIR/Vis)", "https://huggingface.co/spaces/GAIR/Vis", LinkKind.HF_SPACE),
    ("(see https://arxiv.org/abs/2305.11627)", "https://arxiv.org/abs/2305.11627", LinkKind.OTHER),
])
def test_links_are_cleaned_and_classified(text, url, kind):
    (link,) = extract_links(text)
    assert (link.url, link.kind) == (url, kind)


def test_links_are_deduplicated_and_never_javascript():
    links = extract_links("https://github.com/a/b and https://github.com/a/b/ and javascript:alert(1) "
                          "and https://x.io/\"onmouseover=alert(1)")
    assert [l.url for l in links] == ["https://github.com/a/b", "https://x.io/"]
    assert clean_url("javascript://example.com/%0aalert(1)") is None


@pytest.mark.parametrize("raw, shown", [
    # \href{url}{url} without its backslash: the duplicate does not show; other link text follows in brackets.
    ("at https://a-project.github.io/{https://a-project.github.io/} and", "at https://a-project.github.io/ and"),
    ("see https://x.org/page{http://www.x.org/page/}.", "see https://x.org/page."),
    ("code: https://github.com/u/repo{Our Repo}", "code: https://github.com/u/repo (Our Repo)"),
    # \times without its backslash, glued to numbers; words and spaced "times" are untouched.
    ("is 48times faster on 4timesRTX 3090 at 1,536times1,536 and 2.5times.", "is 48× faster on 4×RTX 3090 at "
     "1,536×1,536 and 2.5×."),
    ("sometimes 7 times larger, three times, 10timestep", "sometimes 7 times larger, three times, 10timestep"),
    (r"a \times b, but $2\times 3$ stays math", r"a × b, but $2\times 3$ stays math"),
    # \x2014 and its kin without the backslash, between words: the character they name.
    ("runx2014each and (7B)x2014a model, the userx2019s guide", "run—each and (7B)—a model, the user’s guide"),
    ("address 0x2014ab and tax2014 forms", "address 0x2014ab and tax2014 forms"),
])
def test_more_residue_is_cleaned_by_its_pattern(raw, shown):
    assert display_text(clean(raw)) == shown


@pytest.mark.parametrize("text, urls", [
    ("at github.com/IST-DASLab/qmoe. More", ["https://github.com/IST-DASLab/qmoe"]),
    ("(see huggingface.co/datasets/org/set) and www.example.org.", ["https://huggingface.co/datasets/org/set",
                                                                    "https://www.example.org"]),
    ("mail me@github.com/x, e.g. the net/x, v2.0/3 or https://gitlab.com/a/b", ["https://gitlab.com/a/b"]),
])
def test_links_written_without_a_scheme_are_found(text, urls):
    assert [link.url for link in extract_links(text)] == urls
