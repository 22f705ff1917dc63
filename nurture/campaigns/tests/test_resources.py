"""The resources library: versions, downloads, publishing rules."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse

from conftest import client_for
from nurture.campaigns.demo import demo_pdf, demo_png
from nurture.campaigns.models import Resource, ResourceVersion
from nurture.campaigns.services import (
    CampaignError,
    resource_publish,
    resource_save,
    resource_version_add,
)


def pdf(name: str = "briefing.pdf", title: str = "Briefing") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, demo_pdf(title), content_type="application/pdf")


@pytest.fixture
def briefing(campaign, coordinator, private_media) -> Resource:
    resource = resource_save(
        resource=Resource(
            slug="trauma-briefing", title="Understanding early trauma", kind="briefing", campaign=campaign
        ),
        actor=coordinator,
    )
    resource_version_add(resource=resource, actor=coordinator, upload=pdf(title="First"), note="First edition")
    resource_version_add(resource=resource, actor=coordinator, upload=pdf(title="Second"), note="Corrected figures")
    return resource_publish(resource=resource, actor=coordinator)


def test_the_resource_address_gives_the_newest_version(briefing):
    page = client_for(None).get(reverse("campaigns:resource", args=[briefing.slug])).content.decode()
    assert "Version 2" in page
    assert "superseded" not in page
    assert reverse("campaigns:resource_download", args=[briefing.slug, 2]) in page
    assert "PDF," in page and "licence" in page.lower()
    assert "“Understanding early trauma” by The infant mental health association" in page


def test_an_old_version_keeps_working_and_says_it_is_superseded(briefing):
    page = client_for(None).get(reverse("campaigns:resource_version", args=[briefing.slug, 1])).content.decode()
    assert "superseded by version 2" in page
    response = client_for(None).get(reverse("campaigns:resource_download", args=[briefing.slug, 1]))
    assert b"".join(response.streaming_content).startswith(b"%PDF-1.4")
    assert response["Content-Disposition"].startswith("attachment")


def test_downloads_are_counted_per_version(briefing):
    for number in (1, 2, 2):
        client_for(None).get(reverse("campaigns:resource_download", args=[briefing.slug, number]))
    assert dict(briefing.versions.values_list("number", "downloads")) == {1: 1, 2: 2}


def test_an_unknown_version_or_a_draft_is_not_found(briefing, coordinator):
    assert client_for(None).get(reverse("campaigns:resource_version", args=[briefing.slug, 9])).status_code == 404
    draft = resource_save(resource=Resource(slug="draft", title="Draft", kind="report"), actor=coordinator)
    assert client_for(None).get(reverse("campaigns:resource", args=[draft.slug])).status_code == 404


def test_a_pdf_uploaded_as_html_is_kept_and_served_as_a_pdf(campaign, coordinator, private_media):
    resource = resource_save(resource=Resource(slug="pack", title="Pack", kind="briefing"), actor=coordinator)
    version = resource_version_add(resource=resource, actor=coordinator, upload=pdf(name="briefing.html"))
    assert (version.file_name, version.file.name[-4:]) == ("briefing.pdf", ".pdf")
    resource_publish(resource=resource, actor=coordinator)
    response = client_for(None).get(reverse("campaigns:resource_download", args=[resource.slug, 1]))
    assert response["Content-Disposition"] == 'attachment; filename="briefing.pdf"'
    assert response["Content-Type"] == "application/pdf"


def test_a_word_file_with_macros_is_refused_next_to_the_file_field(campaign, coordinator, private_media):
    resource = resource_save(resource=Resource(slug="pack", title="Pack", kind="comms_pack"), actor=coordinator)
    docm = io.BytesIO()
    with zipfile.ZipFile(docm, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types><Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>',
        )
        archive.writestr("word/document.xml", "<w:document/>")
        archive.writestr("word/vbaProject.bin", b"\xd0\xcf\x11\xe0")
    response = client_for(coordinator).post(
        reverse("campaigns:staff_resource", args=[resource.slug]),
        {"action": "version", "file": SimpleUploadedFile("pack.docx", docm.getvalue()), "note": "Spring edition"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert re.search(r'id="id_file_error"[^>]*>.*?contains macros', page, re.S)
    assert 'value="Spring edition"' in page
    assert not ResourceVersion.objects.exists()


def test_a_file_that_is_not_what_it_says_is_refused(campaign, coordinator, private_media):
    resource = resource_save(resource=Resource(slug="pack", title="Pack", kind="comms_pack"), actor=coordinator)
    fake = SimpleUploadedFile("pack.pdf", b"MZ this is really a program", content_type="application/pdf")
    with pytest.raises(CampaignError, match="not a PDF"):
        resource_version_add(resource=resource, actor=coordinator, upload=fake)


def test_an_infographic_cannot_be_published_without_its_text_alternative(coordinator, private_media):
    resource = resource_save(resource=Resource(slug="facts", title="Facts", kind="infographic"), actor=coordinator)
    png = SimpleUploadedFile("facts.png", demo_png(), content_type="image/png")
    resource_version_add(resource=resource, actor=coordinator, upload=png)
    with pytest.raises(CampaignError, match="text alternative"):
        resource_publish(resource=resource, actor=coordinator)
    with pytest.raises(IntegrityError), transaction.atomic():
        Resource.objects.filter(pk=resource.pk).update(status="published")
    resource.text_alternative = "97% of professionals say early relationships are very important."
    resource_save(resource=resource, actor=coordinator)
    assert resource_publish(resource=resource, actor=coordinator).status == "published"
    page = client_for(None).get(reverse("campaigns:resource", args=["facts"])).content.decode()
    assert "The infographic as text" in page and "97% of professionals" in page


def test_a_film_cannot_be_published_without_captions_or_a_transcript(coordinator):
    film = resource_save(resource=Resource(slug="film", title="Film", kind="film"), actor=coordinator)
    resource_version_add(resource=film, actor=coordinator, embed_url="https://www.youtube-nocookie.com/embed/abc")
    with pytest.raises(CampaignError, match="captions or a transcript"):
        resource_publish(resource=film, actor=coordinator)
    with pytest.raises(IntegrityError), transaction.atomic():
        Resource.objects.filter(pk=film.pk).update(status="published")
    film.transcript = "Narrator: Babies feel the world long before they can tell us about it."
    resource_save(resource=film, actor=coordinator)
    resource_publish(resource=film, actor=coordinator)
    page = client_for(None).get(reverse("campaigns:resource", args=["film"])).content.decode()
    assert '<iframe src="https://www.youtube-nocookie.com/embed/abc" title="Film: Film"' in page
    assert "Transcript" in page


def test_only_films_take_an_embed_address_from_a_video_host(coordinator):
    film = resource_save(resource=Resource(slug="film", title="Film", kind="film"), actor=coordinator)
    with pytest.raises(CampaignError):
        resource_version_add(resource=film, actor=coordinator, embed_url="https://evil.example/embed/x")
    report = resource_save(resource=Resource(slug="report", title="Report", kind="report"), actor=coordinator)
    with pytest.raises(CampaignError):
        resource_version_add(resource=report, actor=coordinator, embed_url="https://www.youtube-nocookie.com/embed/a")
    assert not ResourceVersion.objects.exists()


def test_the_coordinator_adds_a_version_and_publishes_through_the_page(coordinator, private_media):
    client = client_for(coordinator)
    response = client.post(
        reverse("campaigns:staff_resources"),
        {
            "title": "Comms pack",
            "slug": "comms",
            "kind": "comms_pack",
            "audience": "partners",
            "author": "Us",
            "licence": "CC BY 4.0",
        },
    )
    assert response.status_code == 302
    url = reverse("campaigns:staff_resource", args=["comms"])
    refused = client.post(url, {"action": "publish"}, follow=True)
    assert b"before publishing" in refused.content
    assert client.post(url, {"action": "version", "file": pdf("pack.pdf")}).status_code == 302
    draft = client.get(url).content.decode()
    assert 'value="publish"' in draft and 'value="unpublish"' not in draft and "Public page" not in draft
    client.post(url, {"action": "publish"})
    assert Resource.objects.get(slug="comms").status == "published"
    published = client.get(url).content.decode()
    assert 'value="unpublish"' in published and 'value="publish"' not in published
    assert f'<a href="{reverse("campaigns:resource", args=["comms"])}">Public page</a>' in published
    bad = client.post(url, {"action": "version"})
    assert bad.status_code == 400


def test_only_a_resource_page_may_frame_the_film_players(briefing):
    page = client_for(None).get(reverse("campaigns:resource", args=[briefing.slug]))
    policy = page["Content-Security-Policy"]
    assert "frame-src https://player.vimeo.com https://vimeo.com https://www.youtube-nocookie.com" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-src" not in client_for(None).get("/awareness-week/").get("Content-Security-Policy", "")


def test_a_downloaded_file_keeps_its_sandboxed_policy(briefing):
    response = client_for(None).get(reverse("campaigns:resource_download", args=[briefing.slug, 2]))
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert "camera=()" in response["Permissions-Policy"]
