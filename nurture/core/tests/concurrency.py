"""Two requests at once, for real: threads, each with its own database connection.

A double click sends two requests that run side by side in two web processes. These
helpers do the same inside one test: `run_together` starts the calls in threads
released together by a barrier; `meeting_before` makes them wait for each other just
before a given method (the INSERT, say), so that both have made their checks first:
the race happens every time instead of now and then. Tests that use them need a
transactional database (`django_db(transaction=True)`) and the `postgres` marker:
SQLite runs one writer at a time, so it cannot race.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import Any
from unittest import mock

import pytest
from django.db import connections

WAIT_SECONDS = 10


def run_together(*calls: Callable[[], Any]) -> list[Any]:
    """Each call's result, or the exception it raised, in order."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=WAIT_SECONDS)
            results[index] = call()
        except BaseException as error:
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=WAIT_SECONDS * 3)
    return results


@contextmanager
def meeting_before(owner: Any, name: str, parties: int = 2) -> Iterator[None]:
    """`owner.name(...)` waits until `parties` threads have reached it (or a few
    seconds have passed, when the code under test lets only one get there)."""
    barrier = threading.Barrier(parties)
    real = getattr(owner, name)

    def wait_then_call(*args: Any, **kwargs: Any) -> Any:
        with suppress(threading.BrokenBarrierError):
            barrier.wait(timeout=3)
        return real(*args, **kwargs)

    with mock.patch.object(owner, name, wait_then_call):
        yield


RACE = [
    pytest.param(False, id="one after the other"),
    pytest.param(True, id="at once", marks=[pytest.mark.postgres, pytest.mark.django_db(transaction=True)]),
]
"""Parametrize a test's `at_once` with this: a double click sent one request after the
other (on both databases), and the same two at once (on PostgreSQL, transactional)."""


def twice(at_once: bool, call: Callable[[], Any]) -> list[Any]:
    """`call` made twice, at once (in two threads) or one after the other."""
    return run_together(call, call) if at_once else [call(), call()]
