"""An email's subject and text body are plain text: rendered without HTML escaping, so a
name with an apostrophe or an ampersand reads as typed. The HTML body stays escaped."""

from __future__ import annotations

from pathlib import Path

import pytest

from nurture.core.emails import email_render, email_send

NAME = "Dr Maeve O'Connor & Partners <Leeds>"


@pytest.fixture
def letter(settings, tmp_path: Path) -> str:
    folder = tmp_path / "letters"
    folder.mkdir()
    (folder / "greeting_subject.txt").write_text("A session with {{ name }}\n")
    (folder / "greeting.txt").write_text("Dear {{ name }},\n\n{{ site_url }}\n")
    (folder / "greeting.html").write_text("<p>Dear {{ name }},</p>")
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [tmp_path, *engine["DIRS"]]}]
    return "letters/greeting"


def test_the_subject_and_text_keep_apostrophes_ampersands_and_angle_brackets(letter, settings):
    subject, text, _ = email_render(template=letter, context={"name": NAME})

    assert subject == "A session with Dr Maeve O'Connor & Partners <Leeds>"
    assert text == f"Dear Dr Maeve O'Connor & Partners <Leeds>,\n\n{settings.NURTURE_SITE_URL}\n"


def test_the_html_body_is_still_escaped(letter):
    _, _, html = email_render(template=letter, context={"name": NAME})

    assert html == "<p>Dear Dr Maeve O&#x27;Connor &amp; Partners &lt;Leeds&gt;,</p>"


def test_the_outbox_holds_the_text_as_written(db, letter, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        email_send(to="maeve@example.org", template=letter, context={"name": NAME})

    (message,) = mailoutbox
    assert message.subject == "A session with Dr Maeve O'Connor & Partners <Leeds>"
    assert message.body.startswith("Dear Dr Maeve O'Connor & Partners <Leeds>,")
    assert "&#x27;" not in message.body and "&amp;" not in message.body
