"""Parse many articles at once in worker processes; records come out in input order.

:func:`parse_records` runs the whole pipeline; :func:`resolve_records` resolves
given spans (gold spans, to measure resolution alone).

Each worker process opens its own :class:`~geo.gazetteer.LocalGazetteer` once
and keeps it, with whatever the parser loads (the spaCy model), for every
article it is given. Articles go to the workers in small chunks and only a few
chunks per worker are in flight at a time, so records stream out in input order
and neither the articles nor the records of a whole corpus pile up in memory.

Workers are started with ``spawn`` (a fresh interpreter): safe in a program
that runs threads (Streamlit, tqdm) and the same on every platform.

Examples
--------
>>> from geo.article import Article
>>> articles = [Article(id="a", text="Shelling hit Homs."), Article(id="b", text="Geneva talks.")]
>>> [(r["id"], [t["name"] for t in r["toponyms"]]) for r in parse_records(articles, processes=1)]
[('a', ['Homs']), ('b', ['Geneva'])]
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import sys
from collections import deque
from collections.abc import Iterable, Iterator, Sequence, Sized
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from tqdm import tqdm

from geo.article import Article
from geo.errors import ParseError
from geo.gazetteer import Gazetteer, LocalGazetteer
from geo.pipeline import bench_record, parse_article, resolve_spans

__all__ = ["parse_records", "resolve_records"]

#: An article with the spans to resolve, or None to recognise them first.
_Job = tuple[Article, Sequence[tuple[int, int]] | None]

#: Chunks in flight per worker: the others stay busy while the oldest is awaited.
_IN_FLIGHT = 4
#: Most articles sent to a worker at once.
_MAX_CHUNK = 16

#: The gazetteer of a worker process, opened once by :func:`_start_worker`.
_worker_gazetteer: LocalGazetteer | None = None


def parse_records(
    articles: Iterable[Article], *, processes: int | None = None, progress: bool = False
) -> Iterator[dict]:
    """Yield ``bench_record(parse_article(a, gazetteer))`` for each article, in order.

    Parameters
    ----------
    articles
        The articles; a sized collection also sizes the progress bar and the
        chunks, and never gets more workers than it has articles.
    processes
        Worker processes; default :func:`os.cpu_count`. With 1 (or a single
        article) everything runs in this process, without a pool.
    progress
        Show a progress bar on standard error.

    Raises
    ------
    ParseError
        The parser failed on an article (the message names it), or a worker
        process died.

    Examples
    --------
    >>> texts = ["Fighting in Aleppo.", "Talks in Geneva.", "Clashes in Homs."]
    >>> articles = [Article(id=str(i), text=t) for i, t in enumerate(texts)]
    >>> [r["id"] for r in parse_records(articles, processes=2)]
    ['0', '1', '2']
    """
    total = len(articles) if isinstance(articles, Sized) else None
    jobs = ((article, None) for article in articles)
    return _records(jobs, total, processes=processes, progress=progress, desc="parse")


def resolve_records(
    jobs: Iterable[tuple[Article, Sequence[tuple[int, int]]]],
    *,
    processes: int | None = None,
    progress: bool = False,
) -> Iterator[dict]:
    """Like :func:`parse_records`, but the spans are given: recognition is skipped.

    Each job is ``(article, spans)``; yields
    ``bench_record(resolve_spans(article, spans, gazetteer))``, in order. For
    measuring resolution on gold spans.

    Examples
    --------
    >>> jobs = [(Article(id="w", text="Paris is on the Seine."), [(0, 5)])]
    >>> [t["country"] for r in resolve_records(jobs, processes=1) for t in r["toponyms"]]
    ['FR']
    """
    total = len(jobs) if isinstance(jobs, Sized) else None
    return _records(jobs, total, processes=processes, progress=progress, desc="resolve")


def _records(
    jobs: Iterable[_Job], total: int | None, *, processes: int | None, progress: bool, desc: str
) -> Iterator[dict]:
    if processes is not None and processes < 1:
        raise ValueError(f"processes must be 1 or more, not {processes}")
    workers = processes or os.cpu_count() or 1
    if total is not None:
        workers = max(1, min(workers, total))
    if workers == 1:
        records = _in_process(jobs)
    else:
        chunk = 4 if total is None else max(1, min(_MAX_CHUNK, total // (workers * _IN_FLIGHT)))
        records = _in_pool(jobs, workers, chunk)
    return _shown(records, total, progress, desc)


def _shown(records: Iterator[dict], total: int | None, progress: bool, desc: str) -> Iterator[dict]:
    bar = tqdm(
        records, total=total, desc=desc, unit="article", file=sys.stderr, disable=not progress
    )
    try:
        yield from bar
    finally:
        bar.close()
        records.close()  # stops the pool at once when the caller stops early


def _record(job: _Job, gazetteer: Gazetteer) -> dict:
    article, spans = job
    try:
        if spans is None:
            return bench_record(parse_article(article, gazetteer))
        return bench_record(resolve_spans(article, list(spans), gazetteer))
    except Exception as exc:
        raise ParseError(
            f"article {article.id!r}: the parser failed ({type(exc).__name__}: {exc})"
        ) from exc


def _in_process(jobs: Iterable[_Job]) -> Iterator[dict]:
    gazetteer = LocalGazetteer()
    for job in jobs:
        yield _record(job, gazetteer)


def _in_pool(jobs: Iterable[_Job], workers: int, chunk: int) -> Iterator[dict]:
    LocalGazetteer()  # builds a missing index once, here, rather than in every worker at once
    pending: deque[tuple[tuple[str, str], Future]] = deque()
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker) as pool:
        try:
            for batch in _chunks(jobs, chunk):
                ids = (batch[0][0].id, batch[-1][0].id)
                pending.append((ids, pool.submit(_worker_records, batch)))
                if len(pending) >= workers * _IN_FLIGHT:
                    yield from _result(*pending.popleft())
            while pending:
                yield from _result(*pending.popleft())
        finally:
            for _, future in pending:
                future.cancel()


def _chunks(jobs: Iterable[_Job], size: int) -> Iterator[list[_Job]]:
    it = iter(jobs)
    while batch := list(itertools.islice(it, size)):
        yield batch


def _result(ids: tuple[str, str], future: Future) -> list[dict]:
    try:
        return future.result()
    except BrokenProcessPool as exc:
        first, last = ids
        raise ParseError(
            f"a worker process failed or died while parsing articles {first!r} to {last!r}"
            " (out of memory? see the messages above)"
        ) from exc


def _start_worker() -> None:
    global _worker_gazetteer
    _worker_gazetteer = LocalGazetteer()


def _worker_records(jobs: list[_Job]) -> list[dict]:
    return [_record(job, _worker_gazetteer) for job in jobs]
