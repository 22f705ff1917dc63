"""`manage.py task_worker` keeps running through a database restart: it sends an
email, loses the database, carries on once the database is back, and sends the
email that was queued meanwhile, each exactly once.

The worker runs as its own process, as in production, and reaches PostgreSQL
through a TCP relay that the test takes down and brings back: to the worker this
is a database restart (its connection is cut, new connections are refused, then
accepted again), without needing to restart the server every test shares.
"""

from __future__ import annotations

import contextlib
import os
import select
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.db import connection, transaction

from nurture.core.emails import email_send
from nurture.core.models import OutboundEmail
from nurture.core.tests.mailserver import MailServer, free_port

ROOT = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.postgres


class Relay:
    """A TCP relay from a local port to the database that can be stopped and started."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = free_port()
        self._listener: socket.socket | None = None
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()

    def start(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen()
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def stop(self) -> None:
        """Refuse new connections and cut every open one, as a stopping server does."""
        if self._listener is not None:
            # shutdown() wakes the thread blocked in accept(); close() alone leaves it listening.
            with contextlib.suppress(OSError):
                self._listener.shutdown(socket.SHUT_RDWR)
            self._listener.close()
            self._listener = None
        with self._lock:
            for sock in self._sockets:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self._sockets.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._sockets += [client, upstream]
            threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()

    @staticmethod
    def _pump(a: socket.socket, b: socket.socket) -> None:
        try:
            while True:
                readable, _, _ = select.select([a, b], [], [], 1.0)
                for source in readable:
                    data = source.recv(65536)
                    if not data:
                        return
                    (b if source is a else a).sendall(data)
        except (OSError, ValueError):  # stop() closed the sockets under us (ValueError: fd -1)
            return


def wait_for(condition: Callable[[], bool], *, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out after {seconds:.0f} s waiting for {what}")


@pytest.fixture
def relay(transactional_db) -> Iterator[Relay]:
    db = connection.settings_dict
    relay = Relay((db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432)))
    relay.start()
    yield relay
    relay.stop()


@pytest.fixture
def worker(relay, mail_server, settings) -> Iterator[subprocess.Popen[str]]:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@127.0.0.1:{relay.port}/{db['NAME']}",
        "DATABASE_CONN_MAX_AGE": "600",
        "NURTURE_TASK_BACKEND": "django_tasks_db.DatabaseBackend",
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "DJANGO_EMAIL_HOST": "127.0.0.1",
        "DJANGO_EMAIL_PORT": str(mail_server.port),
        "DJANGO_EMAIL_TIMEOUT": "5",
    }
    command = [sys.executable, "manage.py", "task_worker", "--interval", "0.2", "--no-startup-delay", "--no-reload"]
    process = subprocess.Popen(  # noqa: S603 - our own command line, nothing from outside
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    yield process
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def record(to: str) -> None:
    with transaction.atomic():
        email_send(
            to=to,
            template="portfolios/email/supervision_confirm",
            context={"supervisor_name": "Dr Rose Clark", "url": "https://example.org/link"},
        )


def all_sent() -> bool:
    states = set(OutboundEmail.objects.values_list("state", flat=True))
    return states == {OutboundEmail.State.SENT}


def output_of(process: subprocess.Popen[str]) -> str:
    process.terminate()
    out, _ = process.communicate(timeout=10)
    return out


def test_the_worker_carries_on_after_the_database_restarts(
    worker: subprocess.Popen[str], relay: Relay, mail_server: MailServer
):
    record("before@example.org")
    # Delivered and marked sent: the worker writes "sent" just after the mail
    # server's answer, and a busy machine can put the relay's stop in between.
    wait_for(all_sent, seconds=60, what="the first email, delivered and marked sent")
    assert mail_server.delivered_to("before@example.org")

    relay.stop()  # the database goes away
    record("during@example.org")  # the site (not through the relay) still queues mail
    time.sleep(4)
    assert worker.poll() is None, "the worker is still running while the database is away:\n" + output_of(worker)
    assert mail_server.delivered_to("during@example.org") == []

    relay.start()  # the database is back
    wait_for(
        lambda: bool(mail_server.delivered_to("during@example.org")) or worker.poll() is not None,
        seconds=90,
        what="the email queued while the database was away",
    )
    assert worker.poll() is None, "the worker is still running:\n" + output_of(worker)
    assert sorted(str(m["To"]) for m in mail_server.received) == ["before@example.org", "during@example.org"]
    wait_for(all_sent, seconds=30, what="the second email marked sent")
    log = output_of(worker)
    assert "The database is not answering" in log
