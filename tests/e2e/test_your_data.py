"""A practitioner on the Register downloads their data, then deletes their account,
and their Register entry still verifies.

The portfolio (with an uploaded certificate) and the Register entry are set up in the
database; the journey happens in the browser: signing in, the "Your data" page, the
password asked again before the download, the zip's contents, the deletion page, and a
visitor checking the registration number afterwards. The password page returns to "Your
data", where the download then starts at once; the deletion page is read before any password
is asked. At desktop and phone widths; the pages are kept as screenshots in the test's
temporary folder.
"""

from __future__ import annotations

import io
import json
import time
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from playwright.sync_api import expect

from conftest import PASSWORD, make_person
from nurture.accounts.models import User
from nurture.accounts.roles import Role
from nurture.core.models import OutboundEmail
from nurture.framework.selectors import framework_current, level_for
from nurture.portfolios.models import TrainingRecord
from nurture.register.models import RegisterEntry
from nurture.register.services import register_entry_create
from tests.e2e.conftest import DESKTOP, PHONE, Visitor
from tests.e2e.test_endorsement_journey import sign_in

EMAIL = "niamh.kelly@example.org"
NAME = "Niamh Kelly"
CERTIFICATE = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def endorsed_practitioner() -> tuple[User, RegisterEntry]:
    person = make_person(EMAIL, name=NAME)
    training = TrainingRecord.objects.create(
        owner=person,
        title="Parent–infant relationships",
        provider="Anna Freud Centre",
        hours=Decimal(30),
        completed_on=date(2024, 3, 1),
        relationship_based=True,
        certificate_name="certificate.pdf",
        certificate_type="application/pdf",
    )
    training.certificate.save("c.pdf", ContentFile(CERTIFICATE))
    entry = register_entry_create(practitioner=person, level=level_for(framework_current(), "prevention"), actor=None)
    return person, entry


def no_sideways_scroll(me: Visitor) -> None:
    overflow = me.page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{me.page.url} scrolls sideways by {overflow}px"


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_practitioner_downloads_their_data_then_deletes_their_account(
    new_visitor, viewport, tmp_path: Path, settings
):
    person, entry = endorsed_practitioner()
    registrar = make_person("registrar@example.org", Role.REGISTRAR)
    width = viewport["width"]
    me = new_visitor(viewport=viewport)
    me.visit("/accounts/login/")
    sign_in(me, EMAIL)

    me.visit("/account/profile/")
    me.follow(me.page.get_by_role("link", name="Download your data or delete your account"))
    expect(me.page.get_by_role("heading", level=1)).to_have_text("Your data")
    no_sideways_scroll(me)
    me.page.screenshot(path=tmp_path / f"your-data-{width}.png", full_page=True)

    # The download asks for the password again, then comes back here, ready: one press downloads.
    me.follow(me.page.get_by_role("button", name="Download your data"))
    assert "/accounts/reauthenticate/" in me.page.url
    me.type_into(me.page.get_by_label("Password", exact=True), PASSWORD)
    me.follow(me.page.get_by_role("button", name="Confirm"))
    assert me.page.url.endswith("/account/data/")
    expect(me.page.get_by_role("status")).to_contain_text("your download is ready")
    no_sideways_scroll(me)
    me.page.screenshot(path=tmp_path / f"your-data-ready-{width}.png", full_page=True)
    with me.page.expect_download() as started:
        me.page.get_by_role("button", name="Download your data").click()
    download = started.value
    assert me.page.url.endswith("/account/data/")
    assert download.suggested_filename.startswith("nurture-data-") and download.suggested_filename.endswith(".zip")
    archive = zipfile.ZipFile(io.BytesIO(Path(download.path()).read_bytes()))
    assert json.loads(archive.read("account.json"))[0]["email"] == EMAIL
    assert json.loads(archive.read("register/entries.json"))[0]["number"] == entry.number
    assert json.loads(archive.read("portfolio/training.json"))[0]["title"] == "Parent–infant relationships"
    training = TrainingRecord.objects.get(owner=person)
    assert archive.read(f"files/training/{training.pk}-certificate.pdf") == CERTIFICATE

    # Deleting: the page says what goes and what stays before any password; a mistyped
    # address is caught at once; the password is asked once the confirmation is right, and
    # nothing is typed twice. (The password given for the download counts for a second
    # only here, so that the deletion asks again.)
    settings.ACCOUNT_REAUTHENTICATION_TIMEOUT = 1
    time.sleep(1.1)
    me.visit("/account/data/")
    me.follow(me.page.get_by_role("link", name="Delete your account"))
    expect(me.page.get_by_role("heading", level=1)).to_have_text("Delete your account")
    expect(me.page.get_by_role("heading", name="What is kept, and why")).to_be_visible()
    expect(me.page.get_by_text("we ask for your password again")).to_be_visible()
    no_sideways_scroll(me)
    me.page.screenshot(path=tmp_path / f"delete-account-{width}.png", full_page=True)
    me.type_into(me.page.get_by_label("Type your email address to confirm"), "not.me@example.org")
    me.follow(me.page.get_by_role("button", name="Delete my account"))
    expect(me.page.locator(".error-summary")).to_contain_text("This is not the address you sign in with")
    expect(me.page.get_by_label("Type your email address to confirm")).to_have_value("not.me@example.org")
    me.type_into(me.page.get_by_label("Type your email address to confirm"), EMAIL)
    me.follow(me.page.get_by_role("button", name="Delete my account"))
    assert "/accounts/reauthenticate/" in me.page.url
    assert User.objects.filter(email=EMAIL).exists()
    # Asked again, as it should be; now give the replayed deletion time on a busy machine.
    settings.ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
    me.type_into(me.page.get_by_label("Password", exact=True), PASSWORD)
    me.follow(me.page.get_by_role("button", name="Confirm"))
    expect(me.page.get_by_text("Your account is deleted.")).to_be_visible()
    me.open_menu()
    expect(me.page.get_by_role("navigation", name="Account").get_by_role("link", name="Sign in")).to_be_visible()
    assert not User.objects.filter(email=EMAIL).exists()
    certificate = training.certificate
    assert not certificate.storage.exists(certificate.name)
    (told,) = OutboundEmail.objects.filter(to=registrar.email, purpose="register/email/account_erased")
    assert entry.number in told.subject and NAME not in told.body_text

    # Anyone can still verify the registration number.
    visitor = new_visitor(viewport=viewport)
    visitor.visit(f"/register/{entry.number}/")
    expect(visitor.page.get_by_role("heading", level=1)).to_contain_text(NAME)
    expect(visitor.page.get_by_text("Endorsed today.")).to_be_visible()
    print(f"Screenshots of the pages: {tmp_path}")
