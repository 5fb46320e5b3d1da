"""The gold corpora of ``../shared/bench`` and the one split every script uses.

Weights are fitted on the ``fit`` half of each corpus's documents and figures
are reported on the ``held`` half, which fitting never sees. A document's half
depends only on its corpus and id (a hash), so the split is the same on every
machine and does not move when a corpus grows.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

__all__ = ["BENCH", "CORPORA", "WIKTOR", "documents", "split_of"]

BENCH = Path(__file__).resolve().parents[1].parent / "shared" / "bench"
#: The corpora with recognition gold (every toponym of the text annotated).
CORPORA = {"trnews": BENCH / "trnews.jsonl", "geovirus": BENCH / "geovirus.jsonl"}
#: Wikipedia articles with one place (the title's) annotated: for resolution only.
WIKTOR = BENCH / "wiktor.jsonl"


def split_of(corpus: str, doc_id: str) -> str:
    """``"fit"`` or ``"held"``: half of each corpus's documents, chosen by hash.

    Examples
    --------
    >>> split_of("trnews", "a") in ("fit", "held")
    True
    """
    digest = hashlib.sha256(f"{corpus}\x00{doc_id}".encode()).digest()
    return "held" if digest[0] % 2 else "fit"


def documents(path: Path, split: str | None = None) -> Iterator[dict]:
    """The documents of a gold JSONL file, all or one half (``"fit"``/``"held"``).

    The corpus name is the file's stem.
    """
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                doc = json.loads(line)
                if split is None or split_of(path.stem, str(doc["id"])) == split:
                    yield doc
