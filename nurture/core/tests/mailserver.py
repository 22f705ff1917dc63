"""A real SMTP server on loopback (aiosmtpd) that tests can stop and start again.

`MailServer.running()` / `.stopped()` switch it on and off on the same port, as
a mail server that goes down and comes back; `received` holds every message it
accepted, parsed; `refuse` maps an address to the reply its RCPT TO gets (a
"550 …" for an address that does not exist, a "451 …" for a greylisting server).
"""

from __future__ import annotations

import email
import email.policy
import socket
import threading
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class _Handler:
    def __init__(self, server: MailServer) -> None:
        self.server = server

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any) -> str:
        if address in self.server.refuse:
            return self.server.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.server.lock:
            self.server.received.append(message)
        return "250 Message accepted for delivery"


class MailServer:
    def __init__(self) -> None:
        self.port = free_port()
        self.received: list[EmailMessage] = []
        self.refuse: dict[str, str] = {}
        self.lock = threading.Lock()
        self._controller: Controller | None = None

    @property
    def is_running(self) -> bool:
        return self._controller is not None

    def start(self) -> None:
        if self._controller is None:
            self._controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)
            self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def delivered_to(self, address: str) -> list[EmailMessage]:
        with self.lock:
            return [m for m in self.received if address in str(m["To"])]

    def message_ids(self) -> list[str]:
        with self.lock:
            return [str(m["Message-ID"]) for m in self.received]
