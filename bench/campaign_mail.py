"""A mailbox on disk for `bench.campaign`: each email the server sends becomes one file.

Set with `DJANGO_EMAIL_BACKEND=bench.campaign_mail.EmailBackend` and
`NURTURE_BENCH_MAIL_DIR=<folder>`; the benchmark reads the confirmation links from
the files as a signer would from their inbox. Each message is written to a temporary
name and renamed, so a reader never sees half a message.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import EmailMessage


class EmailBackend(BaseEmailBackend):
    def __init__(self, fail_silently: bool = False, **kwargs: Any) -> None:
        super().__init__(fail_silently=fail_silently, **kwargs)
        self.folder = Path(os.environ["NURTURE_BENCH_MAIL_DIR"])

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        sent = 0
        for message in email_messages:
            name = uuid.uuid4().hex
            partial = self.folder / f".{name}.tmp"
            partial.write_bytes(message.message().as_bytes())
            partial.rename(self.folder / f"{name}.eml")
            sent += 1
        return sent
