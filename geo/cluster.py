"""Run the partitions of a corpus on a Dask cluster; results come back in input order.

:class:`DaskCluster` names a running cluster by its scheduler's address. The
batch functions of :mod:`geo.batch` take one (``cluster=``) instead of local
worker processes, and ``geo parse`` and ``geo layers`` take ``--scheduler``.

A corpus goes to the cluster in partitions of consecutive articles (64 by
default), one Dask task each; only a few partitions per worker thread are in
flight at a time and their results are taken in input order, so a corpus
bigger than the cluster's memory streams through. Each Dask worker opens its
gazetteer once, on its first partition, and keeps it (with the spaCy model)
for every later one, for as long as the worker runs.

What runs on the workers is code of ``geo``, pickled by name: every worker
needs the same version of ``geo`` installed, with its data and gazetteer index
(``geo gazetteer build``) and any imported places (``$GEO_DATA_DIR``).
Results come back to this process; the workers write no files.

Examples
--------
>>> from distributed import LocalCluster
>>> with LocalCluster(n_workers=1, processes=False, dashboard_address=None) as local:
...     cluster = DaskCluster(local.scheduler_address, partition_size=2)
...     list(cluster.map(sorted, [("articles 'b' to 'a'", ["b", "a"]), ("article 'c'", ["c"])]))
[['a', 'b'], ['c']]
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from geo.errors import ClusterError, GeoError, ParseError

if TYPE_CHECKING:
    from distributed import Client, Future

__all__ = ["DEFAULT_PARTITION_SIZE", "DaskCluster"]

#: Articles per partition: per Dask task, and per partition file of the CLI.
DEFAULT_PARTITION_SIZE = 64
#: Partitions in flight per worker thread: the others stay busy while the oldest is awaited.
_IN_FLIGHT = 2


@dataclass(frozen=True)
class DaskCluster:
    """A running Dask cluster, by its scheduler's address, and how to cut a corpus for it.

    Parameters
    ----------
    address
        The scheduler's address, ``tcp://HOST:PORT`` (``HOST:PORT`` means tcp).
    partition_size
        Articles per Dask task.
    connect_timeout
        Seconds to wait for the scheduler to answer, and then for a first worker.

    Raises
    ------
    ClusterError
        ``address`` is not a Dask address (``tcp://HOST:PORT``, ``tls://...``).

    Examples
    --------
    >>> DaskCluster("tcp://10.0.0.5:8786").partition_size
    64
    >>> DaskCluster("http://10.0.0.5:8787")
    Traceback (most recent call last):
    ...
    geo.errors.ClusterError: 'http://10.0.0.5:8787' is not a Dask scheduler address: \
unknown scheme 'http'; give one such as tcp://HOST:8786
    """

    address: str
    partition_size: int = DEFAULT_PARTITION_SIZE
    connect_timeout: float = 10.0

    def __post_init__(self) -> None:
        from distributed.comm.addressing import parse_address
        from distributed.comm.registry import backends

        if self.partition_size < 1:
            raise ValueError(f"partition_size must be 1 or more, not {self.partition_size}")
        if not self.connect_timeout > 0:
            raise ValueError(f"connect_timeout must be positive, not {self.connect_timeout}")
        scheme, location = parse_address(self.address)
        if scheme not in backends:
            raise _not_an_address(self.address, f"unknown scheme {scheme!r}")
        if not location.strip(":/"):
            raise _not_an_address(self.address, "no host and port")

    def map(self, func: Callable[[list], list], partitions: Iterable[tuple[str, list]]) -> Iterator:
        """Yield ``func(items)`` for each ``(label, items)`` of ``partitions``, in order.

        ``func`` runs on the cluster's workers; it must be a module-level
        function (or a partial of one) of a module the workers can import. The
        label names the partition in errors (``"articles 'a' to 'k'"``).
        Connects on the first ``next()``; closing the iterator early cancels
        the partitions still in flight.

        Raises
        ------
        ClusterError
            The scheduler does not answer within ``connect_timeout``, or has no
            worker after as long again.
        ParseError
            A partition failed: the article's own error when the parser failed
            on it, else the partition, named, and what the cluster said.
        """
        client = _connect(self.address, self.connect_timeout)
        pending: deque[tuple[str, Future]] = deque()
        try:
            threads = sum(client.nthreads().values())
            for number, (label, items) in enumerate(partitions):
                future = client.submit(func, items, pure=False)
                pending.append((f"partition {number} ({label})", future))
                if len(pending) >= _IN_FLIGHT * max(1, threads):
                    yield _result(*pending.popleft())
            while pending:
                yield _result(*pending.popleft())
        finally:
            if pending:
                client.cancel([future for _, future in pending])
            client.close()


def _connect(address: str, timeout: float) -> Client:
    from distributed import Client

    try:
        client = Client(address, timeout=timeout, set_as_default=False)
    except ValueError as exc:  # "tcp://host:port" with a port that is not a number...
        raise _not_an_address(address, str(exc)) from exc
    except (OSError, TimeoutError) as exc:
        raise ClusterError(
            f"cannot reach the Dask scheduler at {address} within {timeout:g} s;"
            " check the address, or start one with 'dask scheduler' and workers with"
            " 'dask worker tcp://HOST:8786'"
        ) from exc
    try:
        client.wait_for_workers(1, timeout=timeout)
    except TimeoutError as exc:
        client.close()
        raise ClusterError(
            f"the Dask scheduler at {address} has no workers after {timeout:g} s;"
            f" start some with 'dask worker {address}'"
        ) from exc
    return client


def _not_an_address(address: str, problem: str) -> ClusterError:
    return ClusterError(
        f"{address!r} is not a Dask scheduler address: {problem}; give one such as tcp://HOST:8786"
    )


def _result(label: str, future: Future) -> list:
    from distributed.scheduler import KilledWorker

    try:
        return future.result()
    except GeoError:
        raise  # says what failed already: a ParseError names its article
    except KilledWorker as exc:
        raise ParseError(
            f"Dask workers died while running {label} (out of memory? see the workers' logs)"
        ) from exc
    except Exception as exc:
        raise ParseError(
            f"the Dask cluster failed on {label} ({type(exc).__name__}: {exc})"
        ) from exc
