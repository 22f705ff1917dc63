"""Demo applications, for `manage.py demo`, made through the endorsement services
themselves, so each obeys the rules a real one does (zulip's `populate_db` writes its
demo through its real actions in the same way):

- practitioner@demo.nurture.test (ready for prevention): under review, with
  assessor@ and assessor2@ assigned and every reference in, waiting for their reviews.
  After applying, the practitioner writes a draft holding a baby's NHS number
  (`portfolios.demo.practitioner_draft_write`), so their portfolio shows the identifier
  warning while the application, whose snapshot was taken before, holds none;
- generated demo practitioners: a draft (someone not yet ready), and, each for the next
  practitioner the submission rules let apply, one submitted and waiting for its
  references (one opened, one sent, one bounced) with no assessors yet, one reviewed
  where the two assessors disagree and moderator@ was picked to settle it, one deferred
  with required actions, and one under appeal.

Each step is the service a person's click runs (`application_start`, `referee_add`,
`application_submit`, `reference_answer`, `assessor_assign`, `review_start`,
`review_submit`, `moderator_assign`, `application_decide`, `appeal_lodge`): an
application whose practitioner does not meet the level, or whose evidence holds an
unchecked identifier, is refused here as it would be on the page, and the audit log
tells each application's story. The steps are then dated over the last six days (the
newest portfolio record of a ready practitioner is a week old, so each snapshot was
true on the day it says it was taken), and the emails they wrote are recorded as sent
on those days (the bounced referee's as bounced), never sent: nobody is emailed.

Safe to run twice: the demo practitioner's application is found by its level, and the
generated practitioners' applications are made only while none of them has one.
"""

from __future__ import annotations

import logging
import random
import secrets
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Final

from django.core.management.base import CommandError
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from nurture.accounts.models import User
from nurture.accounts.roles import Role
from nurture.core.demo import DEMO_DOMAIN, DemoRun
from nurture.core.link_tokens import token_digest
from nurture.core.models import AuditEntry, OutboundEmail
from nurture.core.outbox import message_undeliverable, messages_recorded_as_sent
from nurture.endorsements import services
from nurture.endorsements.models import Application, ReferenceRequest, Review
from nurture.endorsements.selectors import conflicts_of, submission_problems
from nurture.endorsements.workflow import LABELS, State
from nurture.framework.models import Level
from nurture.portfolios.demo import practitioner_draft_write
from nurture.portfolios.selectors import PortfolioSnapshot, portfolio_snapshot

DOMAIN: Final = DEMO_DOMAIN
PRACTITIONER: Final = f"practitioner@{DOMAIN}"
REGISTRAR: Final = f"registrar@{DOMAIN}"
ASSESSORS: Final = (f"assessor@{DOMAIN}", f"assessor2@{DOMAIN}", f"assessor3@{DOMAIN}")
MODERATOR: Final = f"moderator@{DOMAIN}"
# The demo's steps are dated at most this many days ago: a ready demo portfolio's newest
# record is older (CPD a week, supervision twelve days), so no snapshot holds a record
# dated after its own submission.
OLDEST_STEP_DAYS: Final = 6
# Ready practitioners are one in ten of the generated ones: the first few hundred are plenty.
APPLICANTS_LOOKED_AT: Final = 300
REFEREES: Final = ("Dr Rose Clark", "Sam Patel", "Morag Fraser", "Ifeoma Okafor", "Bethan Lloyd", "Tunde Adeyemi")


@dataclass(frozen=True)
class Staff:
    registrar: User
    assessors: tuple[User, ...]
    moderator: User


class DemoRefused(CommandError):
    """A service refused a demo step: the demo data no longer obeys a rule."""


class Story:
    """One application's history, written step by step through the services and dated.

    Every row is stamped "now" as it is written; `on(days)` says the next steps happened
    `days` days ago and moves what came before back by the gap, and `close()` moves the
    whole story back to its days. Emails the steps recorded are marked sent when written.
    """

    def __init__(self, practitioner: User, level: Level, staff: Staff, rng: random.Random) -> None:
        self.practitioner = practitioner
        self.level = level
        self.staff = staff
        self.rng = rng
        self.audit_after = AuditEntry.objects.aggregate(last=models.Max("pk"))["last"] or 0
        self.outbox_after = OutboundEmail.objects.aggregate(last=models.Max("pk"))["last"] or 0
        self.days = 0
        self.application = services.application_start(practitioner=practitioner, level=level)

    # Dating the story --------------------------------------------------------------

    def on(self, days: int) -> None:
        """The steps that follow happened `days` days ago (never more than OLDEST_STEP_DAYS)."""
        self._move_back(self.days - days)
        self.days = days

    def close(self) -> Application:
        self._move_back(self.days)
        self.days = 0
        application = self.application
        application.refresh_from_db()
        if application.snapshot and application.submitted_at is not None:
            # The snapshot is taken as the application is submitted: it says so, on that day.
            application.snapshot = {**application.snapshot, "taken_at": application.submitted_at.isoformat()}
            application.save(update_fields=["snapshot"])
        return application

    def _emails(self) -> models.QuerySet[OutboundEmail]:
        return OutboundEmail.objects.filter(pk__gt=self.outbox_after)

    def _move_back(self, days: int) -> None:
        # What the steps recorded went out as they happened: recorded as sent, never sent now.
        messages_recorded_as_sent(after_pk=self.outbox_after)
        if days <= 0:
            return
        gap = timedelta(days=days)

        def back(queryset: models.QuerySet[Any], *fields: str) -> None:
            queryset.update(**{name: F(name) - gap for name in fields})

        pk = self.application.pk
        back(Application.objects.filter(pk=pk), "created_at", "state_changed_at", "submitted_at")
        back(
            ReferenceRequest.objects.filter(application_id=pk),
            *("created_at", "sent_at", "expires_at", "opened_at", "answered_at", "bounced_at", "replaced_at"),
        )
        back(self.application.assignments.all(), "assigned_at")
        back(Review.objects.filter(application_id=pk), "submitted_at")
        back(AuditEntry.objects.filter(pk__gt=self.audit_after), "at")
        back(self._emails(), "created_at", "next_attempt_at", "give_up_at", "sent_at")

    # The steps, each through its service -------------------------------------------------

    def referees_name(self) -> None:
        names = self.rng.sample(REFEREES, len(self.level.reference_roles))
        for n, (role, name) in enumerate(zip(self.level.reference_roles, names, strict=True), 1):
            services.referee_add(
                application=self.application,
                actor=self.practitioner,
                name=name,
                email=f"referee{n}.{self.application.pk}@example.org",
                role=role,
            )

    def submit(self) -> None:
        try:
            services.application_submit(
                application=self.application, actor=self.practitioner, today=timezone.localdate()
            )
        except services.SubmissionRefused as refused:
            raise DemoRefused(f"Demo application of {self.practitioner.email}: {refused}") from None

    def references(self) -> list[ReferenceRequest]:
        return list(self.application.references.filter(replaced_at__isnull=True).order_by("pk"))

    def reference_answer(self, reference: ReferenceRequest) -> None:
        """The referee opens their link and answers (the demo holds the link the email carried)."""
        token = secrets.token_urlsafe(32)
        ReferenceRequest.objects.filter(pk=reference.pk).update(token_hash=token_digest(token))
        services.reference_open(reference=reference)
        codes = list(self.level.competencies.values_list("code", flat=True))
        ratings = {code: self.rng.choice(("met", "met", "met", "partly")) for code in codes}
        for code in self.rng.sample(codes, min(2, len(codes))):  # fewer than would void it
            ratings[code] = ReferenceRequest.Rating.UNKNOWN
        services.reference_answer(
            token=token, ratings=ratings, comment=f"I have worked alongside {self.practitioner} for two years."
        )

    def references_answer(self) -> None:
        for reference in self.references():
            self.reference_answer(reference)

    def reference_open(self, reference: ReferenceRequest) -> None:
        services.reference_open(reference=reference)

    def reference_bounce(self, reference: ReferenceRequest) -> None:
        """The referee's mail server refused the address: the outbox's own signal marks it."""
        message = self._emails().filter(about_type=ReferenceRequest._meta.label_lower, about_id=str(reference.pk)).get()
        message.state = OutboundEmail.State.BOUNCED
        message.sent_at = None
        message.last_error = "SMTPRecipientsRefused: 550 5.1.1 Mailbox unavailable"
        message.save(update_fields=["state", "sent_at", "last_error"])
        message_undeliverable.send(sender=OutboundEmail, message=message, state=OutboundEmail.State.BOUNCED)

    def assessors_assign(self, preferred: Sequence[User]) -> list[User]:
        """The first two of `preferred` without a conflict of interest, assigned by the registrar."""
        free = [a for a in preferred if not conflicts_of(a, self.application)][:2]
        for assessor in free:
            services.assessor_assign(application=self.application, actor=self.staff.registrar, assessor=assessor)
        return free

    def review_start(self) -> None:
        services.review_start(application=self.application, actor=self.staff.registrar)

    def review(self, assessor: User, recommendation: str) -> None:
        scores: dict[int, tuple[str, str]] = {}
        for competency in self.level.competencies.all():
            value = self.rng.choice(("met", "met", "met", "partly", "not_met"))
            comment = "" if value == "met" else "The evidence shows this only in part."
            scores[competency.pk] = (value, comment)
        services.review_submit(
            application=self.application,
            assessor=assessor,
            scores=scores,
            recommendation=recommendation,
            summary="Thoughtful practice, clearly described; see the scores for what is still thin.",
        )

    def moderator_pick(self) -> None:
        services.moderator_assign(
            application=self.application, actor=self.staff.registrar, moderator=self.staff.moderator
        )

    def decide(self, decision: str, reason: str, required_actions: str = "") -> None:
        services.application_decide(
            application=self.application,
            actor=self.staff.registrar,
            decision=decision,
            reason=reason,
            required_actions=required_actions,
        )

    def appeal(self, grounds: str) -> None:
        services.appeal_lodge(application=self.application, actor=self.practitioner, grounds=grounds)


# Each story, from the practitioner's first step to where the demo leaves it ------------


def _under_review(story: Story, staff: Staff) -> None:
    story.on(6)
    story.referees_name()
    story.submit()
    story.on(4)
    story.references_answer()
    story.on(2)
    story.assessors_assign(staff.assessors)
    story.review_start()


def _draft(story: Story, staff: Staff) -> None:
    story.on(1)
    name = story.rng.choice(REFEREES)
    role = story.level.reference_roles[0]
    services.referee_add(
        application=story.application,
        actor=story.practitioner,
        name=name,
        email=f"referee1.{story.application.pk}@example.org",
        role=role,
    )


def _submitted(story: Story, staff: Staff) -> None:
    story.on(3)
    story.referees_name()
    story.submit()
    opened, _sent, bounced = story.references()
    story.reference_bounce(bounced)
    story.on(2)
    story.reference_open(opened)


def _reviewed_apart(story: Story, staff: Staff) -> None:
    story.on(6)
    story.referees_name()
    story.submit()
    story.on(5)
    story.references_answer()
    story.on(4)
    first, second = story.assessors_assign((staff.assessors[1], staff.assessors[2], staff.assessors[0]))
    story.review_start()
    story.on(2)
    story.review(first, "endorse")
    story.review(second, "defer")
    story.on(1)
    story.moderator_pick()


def _deferred(story: Story, staff: Staff) -> None:
    story.on(6)
    story.referees_name()
    story.submit()
    story.on(5)
    story.references_answer()
    story.on(4)
    assessors = story.assessors_assign((staff.assessors[0], staff.assessors[2], staff.assessors[1]))
    story.review_start()
    story.on(3)
    for assessor in assessors:
        story.review(assessor, "defer")
    story.on(1)
    story.decide(
        "defer",
        "Strong practice; the evidence of working with other services is still thin.",
        "Add a case study showing joint work with another service, and ask your supervisor to confirm "
        "your two most recent sessions.",
    )


def _under_appeal(story: Story, staff: Staff) -> None:
    story.on(6)
    story.referees_name()
    story.submit()
    story.on(5)
    story.references_answer()
    story.on(4)
    assessors = story.assessors_assign(staff.assessors)
    story.review_start()
    story.on(3)
    for assessor in assessors:
        story.review(assessor, "not_endorse")
    story.on(2)
    story.decide("not_endorse", "The evidence does not yet show assessment skills.")
    story.on(0)
    story.appeal("My case study on assessment was not considered.")


Plot = Callable[[Story, Staff], None]
# For generated practitioners, in this order: (where the story ends, level code, the story).
# Those past the draft need a practitioner the submission rules let apply.
OTHERS: Final[tuple[tuple[State, str, Plot], ...]] = (
    (State.SUBMITTED, "promotion", _submitted),
    (State.REVIEWED, "promotion", _reviewed_apart),
    (State.DEFERRED, "prevention", _deferred),
    (State.APPEAL, "promotion", _under_appeal),
)


def _staff() -> Staff | None:
    people = {u.email: u for u in User.objects.filter(email__in=(REGISTRAR, MODERATOR, *ASSESSORS))}
    if len(people) < len(ASSESSORS) + 2:
        return None
    return Staff(people[REGISTRAR], tuple(people[email] for email in ASSESSORS), people[MODERATOR])


class Applicants:
    """The generated practitioners, in the order they were made, each read once."""

    def __init__(self, people: list[User]) -> None:
        self.people = people
        self.portfolios: dict[int, PortfolioSnapshot] = {}

    def next_who_may_apply(self, level: Level) -> User | None:
        """The first whom the submission rules let apply for `level`, short of referees
        (the story names them); they are taken off the list."""
        for person in self.people:
            if person.pk not in self.portfolios:
                self.portfolios[person.pk] = portfolio_snapshot(person)
            application = Application(practitioner=person, level=level)
            problems = submission_problems(
                application, today=timezone.localdate(), references=False, portfolio=self.portfolios[person.pk]
            )
            if not problems:
                self.people.remove(person)
                return person
        return None


def _tell(story: Story, plot: Plot, staff: Staff) -> Application:
    plot(story, staff)
    return story.close()


@contextmanager
def deliveries_quiet() -> Iterator[None]:
    """The stories' emails are recorded as sent, so each delivery task the commit starts
    finds nothing to do: its start and end are not worth two lines each in the output
    (a failure still shows)."""
    logger = logging.getLogger("django_tasks")
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)


def demo_applications(run: DemoRun) -> None:
    rng = random.Random(f"endorsements:{run.seed}")  # noqa: S311 - demo data, not secrets
    staff = _staff()
    practitioner = User.objects.filter(email=PRACTITIONER).first()
    if staff is None or practitioner is None:
        run.stdout.write("Applications: skipped (the demo logins are missing).")
        return
    levels = {level.code: level for level in Level.objects.filter(version__is_current=True)}
    made: list[Application] = []
    waiting: list[str] = []
    with deliveries_quiet(), transaction.atomic():
        if not Application.objects.filter(practitioner=practitioner, level=levels["prevention"]).exists():
            made.append(_tell(Story(practitioner, levels["prevention"], staff, rng), _under_review, staff))
            practitioner_draft_write(practitioner=practitioner, seed=run.seed)
        others = User.objects.filter(role=Role.PRACTITIONER, email__endswith=f"@{DOMAIN}").exclude(email=PRACTITIONER)
        if not Application.objects.filter(practitioner__in=others).exists():
            applicants = Applicants(list(others.order_by("id")[:APPLICANTS_LOOKED_AT]))
            for state, code, plot in OTHERS:
                person = applicants.next_who_may_apply(levels[code])
                if person is None:
                    waiting.append(LABELS[state].lower())
                    continue
                made.append(_tell(Story(person, levels[code], staff, rng), plot, staff))
            if applicants.people:
                made.append(_tell(Story(applicants.people[0], levels["promotion"], staff, rng), _draft, staff))
    if made:
        states = ", ".join(a.get_state_display().lower() for a in made)
        line = f"Applications: {len(made)} made through the endorsement services ({states})"
    else:
        line = "Applications: none new (the demo's are already there)"
    if waiting:
        line += f"; none {', '.join(waiting)}: no other practitioner is ready to apply (see --practitioners)"
    run.stdout.write(line + ".")


def demo_load(run: DemoRun) -> None:
    """The app's part of `manage.py demo` (`core/demo.py`)."""
    demo_applications(run)
