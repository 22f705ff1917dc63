"""Writes of the training directory."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import partial
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from nurture.accounts.models import User
from nurture.accounts.roles import Role
from nurture.core.addresses import email_canonical
from nurture.core.audit import audit_record
from nurture.core.emails import EmailLimitReached, Sender, email_allowance_check, email_send
from nurture.core.link_tokens import pk_from_signed_token, signed_token
from nurture.core.origins import site_url
from nurture.core.slugs import free_slug
from nurture.portfolios.services import DirectoryCourse, PortfolioError, training_confirm, training_from_directory
from nurture.training.models import (
    MAX_PLACES,
    Booking,
    Completion,
    Course,
    CourseCompetency,
    Interest,
    Message,
    Provider,
    Session,
)


class TrainingError(Exception):
    """A refusal to show the person as it is."""


def course_accredit(*, course: Course, accredited: bool, actor: User, reason: str = "") -> Course:
    """The association's accreditation mark, set or taken away: by the registrar only, audited.
    Setting it again changes nothing."""
    if actor.role != Role.REGISTRAR:
        raise TrainingError("Only the registrar accredits courses.")
    with transaction.atomic():
        locked = Course.objects.select_for_update().get(pk=course.pk)
        if locked.is_accredited == accredited:
            return locked
        locked.accredited_at = timezone.now() if accredited else None
        locked.save(update_fields=["accredited_at"])
        audit_record(
            action="training.course.accredited" if accredited else "training.course.accreditation_removed",
            actor=actor,
            target=locked,
            reason=reason,
        )
    return locked


# Bookings and the waiting list -----------------------------------------------------------
#
# Places held (booked, or offered and not yet answered) are counted on
# `Session.places_taken`. It changes only by conditional updates
# (`places_taken + n <= capacity`), one statement each, so two people asking for the
# last place at once cannot both get it, on SQLite or PostgreSQL, and the count and the
# rows change in one transaction. A booking's status changes only by an update that
# names the status it comes from, so every step is safe to run twice.

MANAGE_SALT = "training.booking.manage"
BOOKED_EMAIL = "training/email/booked"
WAITING_EMAIL = "training/email/waiting"
OFFER_EMAIL = "training/email/offer"
REMINDER_EMAIL = "training/email/reminder"
MESSAGE_EMAIL = "training/email/message"


@dataclass(frozen=True)
class Booker:
    name: str
    email: str
    organisation: str
    places: int


@dataclass(frozen=True)
class BookingMade:
    booking: Booking
    # The address already had a place or an entry for this session: its link was sent again.
    already: bool


def offer_hours() -> int:
    return int(settings.NURTURE_TRAINING_OFFER_HOURS)


def booking_token(booking_id: int) -> str:
    return signed_token(booking_id, salt=MANAGE_SALT)


def booking_link(booking_id: int) -> str:
    """The emailed address where a person sees their booking and changes it."""
    return site_url("training:booking", booking_token(booking_id))


def booking_from_token(token: str) -> Booking | None:
    pk = pk_from_signed_token(token, salt=MANAGE_SALT)
    if pk is None:
        return None
    return Booking.objects.select_related("session__course__provider").filter(pk=pk).first()


def _claim_places(session_id: int, places: int) -> bool:
    """Hold `places` on the session if that many are free: one statement, so never two
    holders of the last place."""
    return bool(
        Session.objects.filter(pk=session_id, places_taken__lte=F("capacity") - places).update(
            places_taken=F("places_taken") + places
        )
    )


def _release_places(session_id: int, places: int) -> None:
    Session.objects.filter(pk=session_id).update(places_taken=F("places_taken") - places)


def _moved(booking: Booking, *, from_status: str | tuple[str, ...], **changes: object) -> bool:
    """Change the booking only if it is still in `from_status`; True when this call did."""
    allowed = (from_status,) if isinstance(from_status, str) else from_status
    done = Booking.objects.filter(pk=booking.pk, status__in=allowed).update(**changes)
    if done:
        for name, value in changes.items():
            setattr(booking, name, value)
    return bool(done)


def _email(
    booking: Booking, template: str, *, sender: Sender | None = None, extra: dict[str, object] | None = None
) -> None:
    """Email the person about their booking. With `sender`, the visitor who typed the address
    (and whose allowance `booking_make` has just checked), it counts toward the email limits."""
    session = booking.session
    email_send(
        to=booking.email,
        template=template,
        context={
            "booking": booking,
            "session": session,
            "course": session.course,
            "provider": session.course.provider.name,
            "manage_url": booking_link(booking.pk),
            "offer_hours": offer_hours(),
            **(extra or {}),
        },
        about=booking,
        sender=sender,
        allowance_checked=True,
    )


def session_bookable(session: Session, *, now: datetime) -> str:
    """Why nobody can book this session now, or "" when they can."""
    if not session.course.published:
        return "This course is no longer listed."
    if now >= session.starts_at:
        return "This has already begun: it takes no more bookings."
    if now > session.booking_deadline:
        return "Bookings for this closed on the booking deadline."
    return ""


def booking_make(*, session: Session, booker: Booker, sender: Sender, now: datetime | None = None) -> BookingMade:
    """Book places, or join the waiting list when there are not enough free; the person
    is emailed either way, with the link to manage it. An address with a place or an
    entry already is sent its link again, and nothing else changes. Raises `TrainingError`
    with a sentence for the person when it cannot be done; nothing is stored then."""
    now = now or timezone.now()
    if problem := session_bookable(session, now=now):
        raise TrainingError(problem)
    if not 1 <= booker.places <= MAX_PLACES:
        raise TrainingError(f"Book between 1 and {MAX_PLACES} places.")
    if booker.places > session.capacity:
        raise TrainingError(f"There are only {session.capacity} places in all.")
    canonical = email_canonical(booker.email)
    try:  # a count, read before the transaction (core.emails says why)
        email_allowance_check(to=booker.email, sender=sender, purpose=BOOKED_EMAIL)
    except EmailLimitReached as refused:
        raise TrainingError(str(refused)) from None
    with transaction.atomic():
        existing = Booking.objects.filter(session=session, canonical_email=canonical, status__in=Booking.ACTIVE).first()
        if existing is None:
            # Nobody goes ahead of the waiting list: a newcomer books only when nobody waits.
            queue = Booking.objects.filter(session=session, status=Booking.Status.WAITING).exists()
            booked = not queue and _claim_places(session.pk, booker.places)
            try:
                with transaction.atomic():
                    booking = Booking.objects.create(
                        session=session,
                        name=booker.name,
                        email=booker.email,
                        organisation=booker.organisation,
                        canonical_email=canonical,
                        places=booker.places,
                        status=Booking.Status.BOOKED if booked else Booking.Status.WAITING,
                        created_at=now,
                    )
            except IntegrityError:  # the same address, at the same moment
                if booked:
                    _release_places(session.pk, booker.places)
                existing = Booking.objects.get(session=session, canonical_email=canonical, status__in=Booking.ACTIVE)
            else:
                booking.session = session
                audit_record(
                    action="training.booking.booked" if booked else "training.booking.waiting",
                    actor_label="visitor",
                    target=booking,
                    data={"session": session.pk, "places": booker.places},
                )
                _email(booking, BOOKED_EMAIL if booked else WAITING_EMAIL, sender=sender)
                return BookingMade(booking, already=False)
        existing.session = session
        again = BOOKED_EMAIL if existing.is_booked else OFFER_EMAIL if existing.is_offered else WAITING_EMAIL
        _email(existing, again, sender=sender)
        return BookingMade(existing, already=True)


def offers_make(*, session: Session, now: datetime | None = None) -> int:
    """Offer freed places to the waiting list, first come first served: while the first
    entry waiting fits in the places free, it is offered them, held until its offer runs out
    (`NURTURE_TRAINING_OFFER_HOURS`, never past the start). A two-place entry at the head
    waits for two places; nobody behind it goes first. Returns how many offers were made;
    safe to run twice."""
    now = now or timezone.now()
    if now >= session.starts_at:
        return 0
    expires = min(now + timedelta(hours=offer_hours()), session.starts_at)
    made = 0
    with transaction.atomic():
        for entry in Booking.objects.filter(session=session, status=Booking.Status.WAITING).order_by(
            "created_at", "id"
        ):
            if not _claim_places(session.pk, entry.places):
                break  # the head of the line waits for enough places; nobody behind it goes first
            if not _moved(
                entry, from_status=Booking.Status.WAITING, status=Booking.Status.OFFERED,
                offered_at=now, offer_expires_at=expires,
            ):  # fmt: skip
                _release_places(session.pk, entry.places)
                continue
            entry.session = session
            audit_record(action="training.booking.offered", actor_label="waiting list", target=entry)
            _email(entry, OFFER_EMAIL)
            made += 1
            transaction.on_commit(partial(_expiry_enqueue, entry.pk, expires))
    return made


def _expiry_enqueue(booking_id: int, when: datetime) -> None:
    """Ask the queue to pass an unanswered offer on when it runs out; the daily job does
    it too, for a queue that cannot wait (the inline one)."""
    from nurture.training.tasks import offer_expire  # the task module imports this one

    backend = offer_expire.get_backend()
    if backend.supports_defer:
        offer_expire.using(run_after=when).enqueue(booking_id=booking_id)


def _ended(booking: Booking, *, status: str, now: datetime, action: str) -> bool:
    """Move an active booking to an ended status, give back its places and offer them on."""
    with transaction.atomic():
        held = booking.status in Booking.HOLDING
        if not _moved(booking, from_status=booking.status, status=status, ended_at=now):
            return False
        if held:
            _release_places(booking.session_id, booking.places)
        audit_record(action=action, actor_label="visitor", target=booking, data={"places": booking.places})
        if held:
            offers_make(session=Session.objects.select_related("course__provider").get(pk=booking.session_id), now=now)
    return True


def booking_cancel(*, booking: Booking, now: datetime | None = None) -> Booking:
    """The person gives up their place, their offer or their entry on the waiting list.
    A place given back is offered to the waiting list. Doing it twice changes nothing."""
    now = now or timezone.now()
    if booking.is_booked:
        _ended(booking, status=Booking.Status.CANCELLED, now=now, action="training.booking.cancelled")
    elif booking.is_waiting or booking.is_offered:
        _ended(booking, status=Booking.Status.DECLINED, now=now, action="training.booking.declined")
    booking.refresh_from_db()
    return booking


def offer_accept(*, booking: Booking, now: datetime | None = None) -> Booking:
    """The person offered a place takes it, before the offer runs out."""
    now = now or timezone.now()
    if not booking.is_offered:
        raise TrainingError("There is no place waiting for you to accept.")
    assert booking.offer_expires_at is not None
    if now >= booking.offer_expires_at:
        offer_expire_now(booking=booking, now=now)
        raise TrainingError("This offer ran out, and the place has gone to the next person waiting.")
    if _moved(booking, from_status=Booking.Status.OFFERED, status=Booking.Status.BOOKED):
        audit_record(action="training.booking.offer_accepted", actor_label="visitor", target=booking)
        _email(booking, BOOKED_EMAIL)
    booking.refresh_from_db()
    return booking


def offer_expire_now(*, booking: Booking, now: datetime) -> bool:
    """An offer past its time ends, and its places go to the next in line."""
    if not booking.is_offered or booking.offer_expires_at is None or now < booking.offer_expires_at:
        return False
    return _ended(booking, status=Booking.Status.EXPIRED, now=now, action="training.booking.offer_expired")


def offers_expire(*, now: datetime | None = None) -> int:
    """Every offer past its time ends and passes on. Safe to run twice."""
    now = now or timezone.now()
    ended = 0
    for booking in Booking.objects.filter(status=Booking.Status.OFFERED, offer_expires_at__lte=now):
        ended += offer_expire_now(booking=booking, now=now)
    return ended


def reminders_send(*, starting_on: date, now: datetime | None = None) -> int:
    """Remind everyone with a place at a session that starts on `starting_on`, once."""
    now = now or timezone.now()
    sent = 0
    bookings = Booking.objects.filter(
        status=Booking.Status.BOOKED, reminded_at__isnull=True, session__starts_at__date=starting_on
    ).select_related("session__course__provider")
    for booking in bookings:
        with transaction.atomic():
            claimed = Booking.objects.filter(
                pk=booking.pk, status=Booking.Status.BOOKED, reminded_at__isnull=True
            ).update(reminded_at=now)
            if claimed:
                _email(booking, REMINDER_EMAIL)
                sent += 1
    return sent


# Registrations of interest, and the provider's messages ------------------------------------

INTEREST_EMAIL = "training/email/interest"


@dataclass(frozen=True)
class Enquirer:
    name: str
    email: str
    role: str
    organisation: str
    question: str


def interest_register(*, course: Course, enquirer: Enquirer, sender: Sender) -> Interest:
    """A visitor registers interest in a course; they are emailed a copy, and the provider
    sees it in their list. Over the site's email limits nothing is stored."""
    if not course.published:
        raise TrainingError("This course is no longer listed.")
    try:
        email_allowance_check(to=enquirer.email, sender=sender, purpose=INTEREST_EMAIL)
    except EmailLimitReached as refused:
        raise TrainingError(str(refused)) from None
    with transaction.atomic():
        interest = Interest.objects.create(
            course=course,
            name=enquirer.name,
            email=enquirer.email,
            canonical_email=email_canonical(enquirer.email),
            role=enquirer.role,
            organisation=enquirer.organisation,
            question=enquirer.question,
        )
        audit_record(action="training.interest.registered", actor_label="visitor", target=interest)
        email_send(
            to=enquirer.email,
            template=INTEREST_EMAIL,
            context={"interest": interest, "course": course, "provider": course.provider.name,
                     "course_url": site_url("training:detail", course.slug)},
            about=interest,
            sender=sender,
            allowance_checked=True,
        )  # fmt: skip
    return interest


def message_send(*, session: Session, subject: str, body: str, actor: User) -> Message:
    """A provider's message to everyone with a place on one of its cohorts or open days.
    Refused for anyone who is not one of the provider's people."""
    if not session.course.provider.members.filter(pk=actor.pk).exists():
        raise TrainingError("Only the course's provider can message the people booked on it.")
    with transaction.atomic():
        booked = list(
            Booking.objects.filter(session=session, status=Booking.Status.BOOKED).select_related(
                "session__course__provider"
            )
        )
        if not booked:
            raise TrainingError("Nobody has a place yet: there is nobody to message.")
        message = Message.objects.create(
            session=session, sent_by=actor, subject=subject, body=body, recipients=len(booked)
        )
        for booking in booked:
            _email(booking, MESSAGE_EMAIL, extra={"message": message})
        audit_record(
            action="training.message.sent", actor=actor, target=message, data={"session": session.pk, "to": len(booked)}
        )
    return message


# The provider's courses, cohorts and open days ----------------------------------------------

COURSE_FIELDS = (
    "title", "summary", "study_level", "format", "duration", "hours", "free_for", "eligibility", "region", "published",
)  # fmt: skip


def _member_check(provider: Provider, actor: User) -> None:
    if not provider.members.filter(pk=actor.pk).exists():
        raise TrainingError("Only the provider's own people can change its courses.")


def course_save(*, provider: Provider, course: Course | None, values: dict[str, Any], actor: User) -> Course:
    """Make or change one of the provider's courses, with the competencies it covers.
    `values` holds COURSE_FIELDS, `cost` in pounds, `competencies` (codes) and `part_of`
    (the id of another of its courses, or None). The accreditation mark is not touched."""
    _member_check(provider, actor)
    part_of_id = values.get("part_of")
    if part_of_id is not None:
        parent = Course.objects.filter(pk=part_of_id, provider=provider, part_of__isnull=True).first()
        if parent is None or (course is not None and parent.pk == course.pk):
            raise TrainingError("A module can belong only to another of your courses that is not itself a module.")
    fields = {name: values[name] for name in COURSE_FIELDS}
    fields["cost_pence"] = int(Decimal(values["cost"]) * 100)
    fields["part_of_id"] = part_of_id
    with transaction.atomic():
        if course is None:
            course = Course.objects.create(
                provider=provider, slug=free_slug(Course, values["title"], most=100), **fields
            )
            action = "training.course.created"
        else:
            if course.provider_id != provider.pk:
                raise TrainingError("Only the provider's own people can change its courses.")
            before = (course.title, course.study_level, course.hours, _codes(course))
            Course.objects.filter(pk=course.pk).update(**fields)
            course.refresh_from_db()
            action = "training.course.changed"
            after = (course.title, course.study_level, course.hours, tuple(sorted(values["competencies"])))
            if course.is_accredited and before != after:
                # What the association accredited has changed: the mark waits for the registrar.
                Course.objects.filter(pk=course.pk).update(accredited_at=None)
                course.accredited_at = None
                audit_record(action="training.course.accreditation_lapsed", actor=actor, target=course)
        CourseCompetency.objects.filter(course=course).exclude(code__in=values["competencies"]).delete()
        have = set(CourseCompetency.objects.filter(course=course).values_list("code", flat=True))
        CourseCompetency.objects.bulk_create(
            CourseCompetency(course=course, code=code) for code in values["competencies"] if code not in have
        )
        audit_record(action=action, actor=actor, target=course, data={"competencies": sorted(values["competencies"])})
    return course


def _codes(course: Course) -> tuple[str, ...]:
    return tuple(sorted(course.competencies.values_list("code", flat=True)))


def session_save(*, course: Course, session: Session | None, values: dict[str, Any], actor: User) -> Session:
    """Make or change a cohort or open day of one of the provider's courses. Its capacity
    cannot go below the places already held; more places go to the waiting list at once."""
    _member_check(course.provider, actor)
    with transaction.atomic():
        if session is None:
            session = Session.objects.create(course=course, **values)
            action = "training.session.created"
        else:
            if session.course_id != course.pk:
                raise TrainingError("That is not a cohort or open day of this course.")
            done = Session.objects.filter(pk=session.pk, places_taken__lte=values["capacity"]).update(**values)
            if not done:
                session.refresh_from_db()
                raise TrainingError(
                    f"{session.places_taken} places are already booked or offered: "
                    "the capacity cannot be lower than that."
                )
            moved = session.starts_at != values["starts_at"]
            session.refresh_from_db()
            action = "training.session.changed"
            if moved:  # reminded again the day before the new start; no offer held past it
                Booking.objects.filter(session=session, status=Booking.Status.BOOKED).update(reminded_at=None)
                Booking.objects.filter(
                    session=session, status=Booking.Status.OFFERED, offer_expires_at__gt=session.starts_at
                ).update(offer_expires_at=session.starts_at)
        audit_record(action=action, actor=actor, target=session, data={"capacity": session.capacity})
        session.course = course
        offers_make(session=session)
    return session


# Into the portfolio ---------------------------------------------------------------------------


def completion_record(*, course: Course, practitioner: User, completed_on: date) -> Completion:
    """A practitioner records a directory course as completed: the portfolio's training
    record is filled in from the course, and the provider is asked to confirm it."""
    if practitioner.role != Role.PRACTITIONER:
        raise TrainingError("Only practitioners keep a portfolio.")
    if Completion.objects.filter(course=course, practitioner=practitioner).exists():
        raise TrainingError(f"This course is in your portfolio already; {course.provider.name} is asked to confirm it.")
    codes = tuple(course.competencies.values_list("code", flat=True))
    directory = DirectoryCourse(
        slug=course.slug, title=course.title, provider=course.provider.name, hours=course.hours,
        relationship_based=False, competency_codes=codes,
    )  # fmt: skip
    with transaction.atomic():
        try:
            record = training_from_directory(owner=practitioner, course=directory, completed_on=completed_on)
        except PortfolioError as refused:
            raise TrainingError(str(refused)) from None
        completion = Completion.objects.create(
            course=course, practitioner=practitioner, record_id=record.pk, completed_on=completed_on
        )
        audit_record(action="training.completion.asked", actor=practitioner, target=completion)
    return completion


def completion_confirm(*, completion: Completion, actor: User) -> bool:
    """The provider confirms a completion: the portfolio's record is marked confirmed (and,
    for an accredited course, counts as relationship-based training) and can no longer be
    changed by the practitioner. False when the practitioner has deleted the record."""
    _member_check(completion.course.provider, actor)
    with transaction.atomic():
        claimed = Completion.objects.filter(pk=completion.pk, status=Completion.Status.ASKED).update(
            status=Completion.Status.CONFIRMED, confirmed_at=timezone.now(), confirmed_by=actor
        )
        if not claimed:
            return False
        course = completion.course
        marked = training_confirm(
            record_id=completion.record_id,
            course=DirectoryCourse(
                slug=course.slug, title=course.title, provider=course.provider.name, hours=course.hours,
                relationship_based=False, competency_codes=tuple(course.competencies.values_list("code", flat=True)),
            ),
            accredited=course.is_accredited,
        )  # fmt: skip
        if not marked:  # the practitioner deleted it from their portfolio: nothing to confirm
            Completion.objects.filter(pk=completion.pk).delete()
            return False
        audit_record(action="training.completion.confirmed", actor=actor, target=completion)
    return True


def provider_member_add(*, provider_name: str, email: str, actor: User) -> Provider:
    """The registrar adds a person with the training provider role to a provider (made
    when no provider has that name yet), so they manage its courses and see its sign-ups."""
    if actor.role != Role.REGISTRAR:
        raise TrainingError("Only the registrar adds people to providers.")
    person = User.objects.filter(email__iexact=email.strip()).first()
    if person is None or person.role != Role.TRAINING_PROVIDER:
        raise TrainingError(
            "There is no account with the training provider role at that address: give them the role first."
        )
    with transaction.atomic():
        provider = Provider.objects.filter(name__iexact=provider_name).first()
        if provider is None:
            provider = Provider.objects.create(name=provider_name, slug=free_slug(Provider, provider_name, most=80))
            audit_record(action="training.provider.created", actor=actor, target=provider)
        provider.members.add(person)
        audit_record(action="training.provider.member_added", actor=actor, target=provider, data={"person": person.pk})
    return provider
