"""Email: every message has a plain-text and an HTML body and is sent by a task."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django_tasks import task


@task()
def send_templated_email(*, to: str, template: str, context: dict[str, Any]) -> None:
    """Render `<template>_subject.txt`, `.txt` and `.html` and send them.

    Takes only plain values so it can wait in the database queue.
    """
    context = {**context, "site_url": settings.NURTURE_SITE_URL}
    subject = render_to_string(f"{template}_subject.txt", context).strip()
    text = render_to_string(f"{template}.txt", context)
    html = render_to_string(f"{template}.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[to])
    message.attach_alternative(html, "text/html")
    message.send()


def email_send(*, to: str, template: str, context: dict[str, Any]) -> None:
    send_templated_email.enqueue(to=to, template=template, context=context)
