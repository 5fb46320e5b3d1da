"""Run the pipeline over many articles, in worker processes or on a Dask cluster, in order.

:func:`parse_records` runs the whole pipeline; :func:`resolve_records` resolves
given spans (gold spans, to measure resolution alone); :func:`layer_collections`
draws each article's layers. All three yield one result per article, in input
order, whichever runs them:

* this process (``processes=1``, or a single article);
* a pool of worker processes on this machine (the default: one per CPU);
* the workers of a Dask cluster (``cluster=DaskCluster("tcp://HOST:8786")``,
  see :mod:`geo.cluster`).

Each worker, a process of the pool or of the cluster, opens its own
:class:`~geo.gazetteer.LocalGazetteer` once and keeps it, with whatever the
parser loads (the spaCy model), for every article it is given. Articles go to
the workers in chunks and only a few chunks per worker are in flight at a time,
so results stream out in input order and neither the articles nor the results
of a whole corpus pile up in the workers.

Pool workers are started with ``spawn`` (a fresh interpreter): safe in a
program that runs threads (Streamlit, tqdm) and the same on every platform.

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
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence, Sized
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import partial
from typing import TYPE_CHECKING, Any

from tqdm import tqdm

from geo.article import Article
from geo.errors import ParseError
from geo.export import only_layers
from geo.gazetteer import Gazetteer, LocalGazetteer
from geo.layers import article_layers
from geo.pipeline import bench_record, parse_article, resolve_spans

if TYPE_CHECKING:
    from geo.cluster import DaskCluster

__all__ = ["layer_collections", "parse_records", "resolve_records"]

#: An article with the spans to resolve, or None to recognise them first.
_Job = tuple[Article, Sequence[tuple[int, int]] | None]
#: What a worker does with one job, given its gazetteer: a module-level function
#: (or a partial of one), so that it pickles by name.
_Task = Callable[[_Job, Gazetteer], Any]

#: Chunks in flight per worker: the others stay busy while the oldest is awaited.
_IN_FLIGHT = 4
#: Most articles sent to a pool worker at once.
_MAX_CHUNK = 16

#: The gazetteer of a worker process (pool or Dask), opened once by :func:`_gazetteer`.
_worker_gazetteer: LocalGazetteer | None = None
_worker_lock = threading.Lock()


def parse_records(
    articles: Iterable[Article],
    *,
    processes: int | None = None,
    cluster: DaskCluster | None = None,
    progress: bool = False,
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
    cluster
        Run on this Dask cluster instead (not with ``processes``); see
        :class:`geo.cluster.DaskCluster`.
    progress
        Show a progress bar on standard error.

    Raises
    ------
    ParseError
        The parser failed on an article (the message names it), or a worker
        process died.
    ClusterError
        The Dask scheduler cannot be reached or has no workers.

    Examples
    --------
    >>> texts = ["Fighting in Aleppo.", "Talks in Geneva.", "Clashes in Homs."]
    >>> articles = [Article(id=str(i), text=t) for i, t in enumerate(texts)]
    >>> [r["id"] for r in parse_records(articles, processes=2)]
    ['0', '1', '2']
    """
    total = len(articles) if isinstance(articles, Sized) else None
    jobs = ((article, None) for article in articles)
    return _results(
        _bench_record,
        jobs,
        total,
        processes=processes,
        cluster=cluster,
        progress=progress,
        desc="parse",
    )


def resolve_records(
    jobs: Iterable[tuple[Article, Sequence[tuple[int, int]]]],
    *,
    processes: int | None = None,
    cluster: DaskCluster | None = None,
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
    return _results(
        _bench_record,
        jobs,
        total,
        processes=processes,
        cluster=cluster,
        progress=progress,
        desc="resolve",
    )


def layer_collections(
    articles: Iterable[Article],
    *,
    layers: Iterable[str] | None = None,
    processes: int | None = None,
    cluster: DaskCluster | None = None,
    progress: bool = False,
) -> Iterator[dict]:
    """Yield each article's layers, ``article_layers(parse_article(a, gaz), gaz)``, in order.

    The collections have no reference layers (``reference=False``): those are
    the same for every article, for the caller to add once. ``layers`` keeps
    only the features of those layers. The other parameters and the errors
    are those of :func:`parse_records`.

    Examples
    --------
    >>> articles = [Article(id="r", text="Rebels advanced south from Idlib toward Hama.")]
    >>> [(f["properties"]["article"], f["properties"]["layer"])
    ...  for fc in layer_collections(articles, layers=["route"], processes=1)
    ...  for f in fc["features"]]
    [('r', 'route')]
    """
    total = len(articles) if isinstance(articles, Sized) else None
    jobs = ((article, None) for article in articles)
    task = partial(_layers, only=None if layers is None else tuple(layers))
    return _results(
        task, jobs, total, processes=processes, cluster=cluster, progress=progress, desc="layers"
    )


def _bench_record(job: _Job, gazetteer: Gazetteer) -> dict:
    article, spans = job
    try:
        if spans is None:
            return bench_record(parse_article(article, gazetteer))
        return bench_record(resolve_spans(article, list(spans), gazetteer))
    except Exception as exc:
        raise _failed(article, "the parser", exc) from exc


def _layers(job: _Job, gazetteer: Gazetteer, *, only: tuple[str, ...] | None) -> dict:
    article, _ = job
    try:
        parsed = parse_article(article, gazetteer)
    except Exception as exc:
        raise _failed(article, "the parser", exc) from exc
    try:
        fc = article_layers(parsed, gazetteer, reference=False)
    except Exception as exc:
        raise _failed(article, "drawing the layers", exc) from exc
    return fc if only is None else only_layers(fc, only)


def _failed(article: Article, what: str, exc: Exception) -> ParseError:
    return ParseError(f"article {article.id!r}: {what} failed ({type(exc).__name__}: {exc})")


def _results(
    task: _Task,
    jobs: Iterable[_Job],
    total: int | None,
    *,
    processes: int | None,
    cluster: DaskCluster | None,
    progress: bool,
    desc: str,
) -> Iterator:
    if processes is not None and processes < 1:
        raise ValueError(f"processes must be 1 or more, not {processes}")
    if cluster is not None:
        if processes is not None:
            raise ValueError("give processes or a cluster, not both")
        parts = _chunks(jobs, cluster.partition_size)
        labelled = ((_label(part), part) for part in parts)
        results = _flattened(cluster.map(partial(_worker_results, task), labelled))
        return _shown(results, total, progress, desc)
    workers = processes or os.cpu_count() or 1
    if total is not None:
        workers = max(1, min(workers, total))
    if workers == 1:
        results = _in_process(task, jobs)
    else:
        chunk = 4 if total is None else max(1, min(_MAX_CHUNK, total // (workers * _IN_FLIGHT)))
        results = _in_pool(task, jobs, workers, chunk)
    return _shown(results, total, progress, desc)


def _shown(results: Iterator, total: int | None, progress: bool, desc: str) -> Iterator:
    bar = tqdm(
        results, total=total, desc=desc, unit="article", file=sys.stderr, disable=not progress
    )
    try:
        yield from bar
    finally:
        bar.close()
        results.close()  # stops the pool or the cluster's tasks at once when the caller stops early


def _flattened(parts: Iterator[list]) -> Iterator:
    try:
        for part in parts:
            yield from part
    finally:
        parts.close()


def _in_process(task: _Task, jobs: Iterable[_Job]) -> Iterator:
    gazetteer = LocalGazetteer()
    for job in jobs:
        yield task(job, gazetteer)


def _in_pool(task: _Task, jobs: Iterable[_Job], workers: int, chunk: int) -> Iterator:
    LocalGazetteer()  # builds a missing index once, here, rather than in every worker at once
    pending: deque[tuple[str, Future]] = deque()
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_gazetteer) as pool:
        try:
            for batch in _chunks(jobs, chunk):
                pending.append((_label(batch), pool.submit(_worker_results, task, batch)))
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


def _label(batch: list[_Job]) -> str:
    """``articles 'a' to 'z'``: how an error names a chunk of jobs."""
    first, last = batch[0][0].id, batch[-1][0].id
    return f"article {first!r}" if len(batch) == 1 else f"articles {first!r} to {last!r}"


def _result(label: str, future: Future) -> list:
    try:
        return future.result()
    except BrokenProcessPool as exc:
        raise ParseError(
            f"a worker process failed or died while parsing {label}"
            " (out of memory? see the messages above)"
        ) from exc


def _gazetteer() -> LocalGazetteer:
    """The gazetteer of this worker process, opened on first use and kept."""
    global _worker_gazetteer
    with _worker_lock:
        if _worker_gazetteer is None:
            _worker_gazetteer = LocalGazetteer()
        return _worker_gazetteer


def _worker_results(task: _Task, jobs: list[_Job]) -> list:
    gazetteer = _gazetteer()
    return [task(job, gazetteer) for job in jobs]
