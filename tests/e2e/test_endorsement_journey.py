"""A ready practitioner is endorsed and found on the public Register.

Only the portfolio and the staff accounts are set up in the database; the
journey itself happens in the browser, each person in a context of their own.
The practitioner signs in, applies for Prevention and names three referees; the
referees, with no account, answer from their emailed links; the registrar signs
in with two-factor authentication and assigns two assessors, who each score the
rubric on their own after checking the portfolio's hours and the referees' ratings
(the second saves a draft first; the first does not see the second's scores until
theirs is in); the registrar compares the reviews side by side and confirms the
endorsement on a page of its own; and a visitor finds the entry on
the Register by a spelling with neither the accents nor the capitals.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import timedelta

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from allauth.mfa.totp.internal.auth import yield_hotp_counters_from_time as counters_now
from django.core.mail import EmailMessage
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from conftest import PASSWORD, TOTP_SECRET, make_person
from nurture.accounts.models import Profession, Region, User
from nurture.accounts.roles import Role
from nurture.endorsements.models import Application
from nurture.framework.models import Level
from nurture.framework.selectors import framework_current, level_for
from nurture.portfolios.demo import READY, Person, PortfolioBuilder, demo_random
from nurture.portfolios.selectors import readiness_of
from tests.e2e.conftest import Visitor, link_in

Outbox = list[EmailMessage]
PERIOD = mfa_settings.TOTP_PERIOD

NAME = "Siobhán Ó Néill"
EMAIL = "siobhan.oneill@example.org"
EMPLOYER = "Belfast Health and Social Care Trust"
LEVEL = "Infant Mental Health Prevention"
SEARCHED_AS = "siobhan o neill"
REFEREES = {  # role (as the level names it) -> name, email
    "current supervisor": ("Dr Aoife Byrne", "aoife.byrne@reflective.example.org"),
    "reflective supervision provider": ("Gráinne McCann", "grainne.mccann@parent-infant.example.org"),
    "other professional": ("Tomás Whelan", "tomas.whelan@gp-surgery.example.org"),
}
UNSURE = {"other professional": ("D8.2", "D9.1")}  # a few "not enough information", too few to void it
REGISTRAR = ("registrar@association.example.org", "Helen Registrar", "The Association")
ASSESSORS = (
    ("first.assessor@assessors.example.org", "Dr Imogen Ashby", "University of Leeds"),
    ("second.assessor@assessors.example.org", "Dr Kwame Mensah", "Tavistock and Portman"),
)


# Set-up: what is not the journey itself -------------------------------------------


def prevention() -> Level:
    return level_for(framework_current(), "prevention")


def competency_codes() -> list[str]:
    """The level's competencies in the order forms list them."""
    return [c.code for c in prevention().competencies.order_by("domain__position", "position")]


def ready_practitioner() -> User:
    """A practitioner whose portfolio is ready for Prevention, built as the demo's ready one is."""
    user = make_person(EMAIL, name=NAME)
    user.profession, user.region, user.employer = Profession.HEALTH_VISITOR, Region.NORTHERN_IRELAND, EMPLOYER
    user.save(update_fields=["profession", "region", "employer"])
    person = Person(user, READY)
    PortfolioBuilder(demo_random("e2e endorsement"), today=timezone.localdate(), now=timezone.now()).build(person)
    for record in person.records:
        record.owner = user
        record.save()
    level = prevention()
    competencies = {c.code: c for c in level.competencies.all()}
    for item, codes in person.evidence:
        item.owner = user
        item.save()
        item.competencies.set(competencies[code] for code in codes if code in competencies)
    readiness = readiness_of(user, level, today=timezone.localdate())
    assert readiness.ready, (readiness.missing, readiness.missing_competencies)
    return user


def staff(email: str, name: str, employer: str, role: str) -> User:
    user = make_person(email, role, name=name)  # with two-factor, secret TOTP_SECRET
    user.employer = employer
    user.save(update_fields=["employer"])
    return user


# What people do -------------------------------------------------------------------


def totp_code() -> str:
    """The authenticator app's code now; near the end of a period, the next period's (after waiting)."""
    counter = next(counters_now())  # TOTP_TOLERANCE is 0: the current counter is the only one accepted
    left = PERIOD - time.time() % PERIOD
    if left < 2:  # it could expire before the form is sent
        time.sleep(left + 0.1)
        counter += 1
    return format_hotp_value(hotp_value(TOTP_SECRET, counter))


def sign_in(me: Visitor, email: str, *, two_factor: bool = False) -> None:
    """Through the sign-in form (and the two-factor step), from wherever the person is."""
    page = me.page
    if "/accounts/login/" not in page.url:
        me.open_menu()
        me.follow(page.get_by_role("navigation", name="Account").get_by_role("link", name="Sign in"))
    me.type_into(page.get_by_label("Email address", exact=True), email)
    me.type_into(page.get_by_label("Password", exact=True), PASSWORD)
    me.follow(page.get_by_role("button", name="Sign in"))
    if two_factor:
        expect(page.get_by_role("heading", level=1)).to_have_text("Enter your two-factor code")
        me.type_into(page.get_by_role("textbox"), totp_code())
        me.follow(page.get_by_role("button", name="Sign in"))
    me.open_menu()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def where_it_is(page: Page) -> str:
    return page.locator("#where").inner_text().strip()


def reference_states(page: Page) -> dict[str, str]:
    """Referee name -> the state the practitioner sees."""
    rows = page.locator("#references tbody tr")
    return {
        row.locator("th").inner_text().split("\n")[0].strip(): row.locator("td .tag").inner_text().strip()
        for row in rows.all()
    }


def apply_for_prevention(me: Visitor) -> None:
    page = me.page
    me.follow(page.get_by_role("link", name="My applications"))
    me.follow(page.get_by_role("button", name=f"Start an application for {LEVEL}"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Application for {LEVEL}")
    assert where_it_is(page) == "Where it is: Draft"
    roles = page.get_by_label("Their role")
    for role, (name, email) in REFEREES.items():
        page.locator("summary", has_text="Name a referee").click()
        me.type_into(page.get_by_label("Referee's full name"), name)
        me.type_into(page.get_by_label("Referee's email address"), email)
        me.choose(roles, role.capitalize())
        me.follow(page.get_by_role("button", name="Add referee"))
        expect(page.get_by_role("status").first).to_contain_text("Referee added.")
    assert reference_states(page) == {name: "Not sent" for name, _ in REFEREES.values()}
    expect(page.locator("#missing")).to_have_count(0)

    me.follow(page.get_by_role("button", name="Submit the application"))
    expect(page.get_by_role("status").first).to_contain_text("Submitted. We have emailed your referees")
    assert where_it_is(page) == "Where it is: Submitted"
    status = page.locator("#status")
    expect(status).to_contain_text(
        re.compile(
            r"What happens next: Waiting for a reference from your current supervisor; .*"
            r"Once the references are in, the registrar assigns two assessors and starts the review\."
        )
    )
    expected_by = timezone.localdate() + timedelta(days=28)
    expect(status).to_contain_text(f"Expected by: {expected_by.day} {expected_by:%B %Y}")
    assert reference_states(page) == {name: "Sent" for name, _ in REFEREES.values()}


def referee_answers(referee: Visitor, mailoutbox: Outbox, role: str) -> None:
    page = referee.page
    email = REFEREES[role][1]
    referee.visit(link_in(mailoutbox, to=email, path=r"/references/[^/\s]+/"))
    expect(page.get_by_role("main")).to_contain_text(f"{NAME} has applied")
    expect(page.get_by_role("main")).to_contain_text(f"named you as their {role}")
    questions = page.locator("fieldset")
    codes = [legend.split()[0] for legend in questions.locator("legend").all_inner_texts()]
    assert codes == competency_codes()
    for number, code in enumerate(codes):
        answer = "Not enough information to say" if code in UNSURE.get(role, ()) else "Shows this competency"
        questions.nth(number).get_by_label(answer).check()
    referee.type_into(
        page.get_by_label("Anything else the association should know"),
        f"I have known {NAME.split()[0]} for three years; she keeps the baby in mind in every visit.",
    )
    referee.follow(page.get_by_role("button", name="Send my reference"))
    expect(page.get_by_role("main")).to_contain_text("Thank you. Your reference has been sent to the association.")


def registrar_assigns_and_starts(registrar: Visitor) -> None:
    page = registrar.page
    registrar.visit("/staff/applications/")
    sign_in(registrar, REGISTRAR[0], two_factor=True)
    expect(page.get_by_role("heading", level=1)).to_have_text("Applications")
    queue = page.locator("#queue tbody tr").filter(has_text=NAME)
    expect(queue).to_contain_text("Submitted")
    due = timezone.localdate() + timedelta(days=28)
    expect(queue.locator('td[data-label="Due by"]')).to_have_text(f"{due.day} {due:%B %Y}")
    registrar.follow(page.get_by_role("link", name=NAME))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{NAME}: {LEVEL}")
    expect(page.get_by_role("main")).to_contain_text("Every required reference has arrived.")
    for _email, name, employer in ASSESSORS:
        registrar.choose(page.get_by_label("Assessor", exact=True), f"{name} ({employer})")
        registrar.follow(page.get_by_role("button", name="Assign"))
        expect(page.get_by_role("status").first).to_contain_text("Assessor assigned and emailed.")
    assessors = page.locator("#assessors + ul")
    for _email, name, _employer in ASSESSORS:
        expect(assessors).to_contain_text(f"{name} (assessor)")
    registrar.follow(page.get_by_role("button", name="Start the review"))
    expect(page.get_by_role("status").first).to_contain_text("The review has started.")
    expect(page.locator("#where")).to_have_text("Under review")


def assessor_signs_in(assessor: Visitor, mailoutbox: Outbox, email: str) -> None:
    """From the link in the assignment email: sign in first, then the review."""
    assessor.visit(link_in(mailoutbox, to=email, path=r"/staff/reviews/\d+/"))
    sign_in(assessor, email, two_factor=True)
    expect(assessor.page.get_by_role("heading", level=1)).to_have_text(f"{NAME}: {LEVEL}")


def others_scores_shown(page: Page, other: str) -> bool:
    return page.locator("#scores-compared thead").filter(has_text=other).count() > 0


def assessor_checks_the_portfolio(assessor: Visitor) -> None:
    """What the assessor judges: each requirement met as submitted, with hours and dates, and
    the references as a table of competencies by referee."""
    page = assessor.page
    requirements = page.locator("#requirements-table")
    training = requirements.get_by_role("row").filter(has_text="Relationship-based training")
    expect(training.locator('td[data-label="Met?"]')).to_have_text("Met")
    expect(training.locator('td[data-label="Had"]')).to_contain_text("hours")
    supervision = requirements.get_by_role("row").filter(has_text="Reflective supervision in the last")
    expect(supervision.locator('td[data-label="Met?"]')).to_have_text("Met")
    sessions = page.locator("#supervision + table tbody tr")
    expect(sessions.first.locator('td[data-label="Hours"]')).to_have_text(re.compile(r"^\d+(\.\d+)?$"))
    expect(sessions.first.locator("th")).to_have_text(re.compile(r"^\d{1,2} [A-Z][a-z]+ \d{4}$"))
    ratings = page.locator("#reference-ratings")
    for name, _email in REFEREES.values():
        expect(ratings.locator("thead")).to_contain_text(name)
    unsure_role = "other professional"
    code = UNSURE[unsure_role][0]
    row = ratings.get_by_role("row").filter(has=page.get_by_role("rowheader", name=re.compile(rf"^{re.escape(code)} ")))
    expect(row.locator("td").nth(2)).to_have_text("Not enough information")
    expect(row.locator("td").nth(0)).to_have_text("Met")


def rubric_lines(page: Page) -> Locator:
    return page.locator("#rubric-table tbody tr").filter(has=page.get_by_role("rowheader"))


def assessor_reviews(assessor: Visitor, name: str, *, draft_first: bool = False) -> None:
    page = assessor.page
    lines = rubric_lines(page)
    codes = [text.split()[0] for text in lines.get_by_role("rowheader").all_inner_texts()]
    assert codes == competency_codes()
    total = len(codes)
    expect(page.locator("#rubric-progress")).to_contain_text(f"0 of {total} scored")
    if draft_first:
        # Half the rubric, one score below met with its comment, then "Save draft": kept, not submitted.
        for number in range(total // 2):
            lines.nth(number).get_by_label("Met", exact=True).check()
        lines.nth(0).get_by_label("Partly met", exact=True).check()
        # With JavaScript the count follows the choices before anything is saved.
        expect(page.locator("#rubric-progress")).to_contain_text(f"{total // 2} of {total} scored")
        assessor.type_into(lines.nth(0).get_by_role("textbox"), "Only one account shows this.")
        assessor.follow(page.get_by_role("button", name="Save draft"))
        expect(page.get_by_role("status").first).to_contain_text("Draft saved.")
        expect(page.locator("#rubric-progress")).to_contain_text(f"{total // 2} of {total} scored")
        expect(lines.nth(0).get_by_label("Partly met", exact=True)).to_be_checked()
        expect(lines.nth(0).get_by_role("textbox")).to_have_value("Only one account shows this.")
        lines.nth(0).get_by_label("Met", exact=True).check()
        assessor.type_into(lines.nth(0).get_by_role("textbox"), "")
    for number in range(total):
        lines.nth(number).get_by_label("Met", exact=True).check()
    expect(page.locator("#rubric-progress")).to_contain_text(f"{total} of {total} scored")
    page.get_by_role("group", name="Overall recommendation").get_by_label("Endorse", exact=True).check()
    assessor.type_into(
        page.get_by_label("Summary for the registrar"),
        "Every competency is shown in the evidence and the references agree.",
    )
    assessor.follow(page.get_by_role("button", name="Submit my review"))
    expect(page.get_by_role("status").first).to_contain_text("Your review is submitted.")
    expect(page.get_by_role("main")).to_contain_text("You submitted your review on")
    expect(page.locator(".review-outcomes")).to_contain_text(f"{name} recommends: Endorse")


def registrar_endorses(registrar: Visitor) -> None:
    page = registrar.page
    registrar.reload()
    expect(page.locator("#where")).to_have_text("Reviewed")
    compared = page.locator("#scores-compared")
    for _email, name, _employer in ASSESSORS:
        expect(compared.locator("thead")).to_contain_text(name)
        expect(page.locator(".review-outcomes")).to_contain_text(f"{name} recommends: Endorse")
    expect(page.locator("#agreement-summary")).to_contain_text("They score every competency the same.")
    decision = page.locator("form", has=page.get_by_role("button", name="Record the decision"))
    decision.get_by_role("group", name="Decision").get_by_label("Endorse", exact=True).check()
    registrar.type_into(
        decision.get_by_label("Reasons for the decision"),
        "Both assessors found every competency met; the references agree.",
    )
    registrar.follow(page.get_by_role("button", name="Record the decision"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Endorse {NAME} at {LEVEL}?")
    expect(page.get_by_role("main")).to_contain_text("public Register")
    assert Application.objects.get().state == "reviewed", "nothing is recorded before it is confirmed"
    registrar.follow(page.get_by_role("button", name="Confirm: endorse"))
    expect(page.get_by_role("status").first).to_contain_text("Decision recorded and the practitioner emailed.")
    expect(page.locator("#where")).to_have_text("Endorsed")
    expect(page.locator("#register-entry")).to_contain_text("On the Infant Mental Health Register as IMH-")


def practitioner_sees_endorsement(me: Visitor) -> str:
    page = me.page
    me.reload()
    assert where_it_is(page) == "Where it is: Endorsed"
    expect(page.locator("#status")).to_contain_text("You are endorsed and on the Register.")
    me.follow(page.get_by_role("link", name="My Register entry"))
    entry = page.get_by_role("main").locator("section.card").filter(has_text=LEVEL)
    number = entry.get_by_role("link").inner_text().strip()
    assert re.fullmatch(r"IMH-\d{7}[0-9A-Z*]", number), number
    expect(entry).to_contain_text("Active")
    return number


def visitor_finds_the_entry(visitor: Visitor, number: str) -> None:
    page = visitor.page
    visitor.visit("/")
    visitor.follow(page.get_by_role("link", name="The Register"))
    visitor.type_into(page.get_by_label("Name"), SEARCHED_AS)
    visitor.follow(page.get_by_role("button", name="Search"))
    row = page.locator("#results ~ .table-scroll tbody tr").filter(has_text=number)
    expect(row.get_by_role("rowheader")).to_have_text(NAME)
    expect(row).to_contain_text(LEVEL)
    expect(row).to_contain_text("Active")
    visitor.follow(row.get_by_role("link", name=NAME))
    expect(page.get_by_role("heading", level=1)).to_have_text(NAME)
    today = timezone.localdate()
    expect(page.locator(".alert")).to_have_text(
        f"Endorsed today. {NAME} is on the Infant Mental Health Register and endorsed at the level {LEVEL} "
        f"on {today.day} {today:%B %Y}."
    )


@pytest.mark.browser
def test_a_ready_practitioner_is_endorsed_and_found_on_the_register(
    new_visitor: Callable[..., Visitor], mailoutbox: Outbox
) -> None:
    ready_practitioner()
    staff(*REGISTRAR, Role.REGISTRAR)
    for email, name, employer in ASSESSORS:
        staff(email, name, employer, Role.ASSESSOR)

    me = new_visitor()
    me.visit("/")
    sign_in(me, EMAIL)
    apply_for_prevention(me)

    for role in REFEREES:
        referee_answers(new_visitor(), mailoutbox, role)
    me.reload()
    assert reference_states(me.page) == {name: "Answered" for name, _ in REFEREES.values()}
    expect(me.page.get_by_role("main")).not_to_contain_text("Still to arrive")

    registrar = new_visitor()
    registrar_assigns_and_starts(registrar)

    (first_email, first_name, _), (second_email, second_name, _) = ASSESSORS
    first, second = new_visitor(), new_visitor()
    assessor_signs_in(first, mailoutbox, first_email)
    assessor_signs_in(second, mailoutbox, second_email)
    assessor_checks_the_portfolio(second)
    assessor_reviews(second, second_name, draft_first=True)
    # Independence: the first assessor sees neither the second's review nor their scores until theirs is in.
    first.reload()
    expect(first.page.get_by_role("button", name="Submit my review")).to_be_visible()
    expect(first.page.get_by_role("main")).not_to_contain_text(f"{second_name} recommends")
    assert not others_scores_shown(first.page, second_name)
    assessor_reviews(first, first_name)
    assert others_scores_shown(first.page, second_name), "after submitting, both reviews are shown"

    registrar_endorses(registrar)
    assert Application.objects.get().state == "endorsed"

    number = practitioner_sees_endorsement(me)
    entry_path = rf"/register/{re.escape(number)}/"
    assert link_in(mailoutbox, to=EMAIL, path=entry_path), "the decision email links to the entry"
    visitor_finds_the_entry(new_visitor(), number)
