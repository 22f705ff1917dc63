"""Writes to the Register. Views, tasks and other apps call these; nothing else writes.

Each function takes keyword arguments, runs in one transaction, checks that the
change is allowed from the entry's current state, records it in the audit log,
and emails whoever must know once the transaction has committed.

A status change is one atomic `UPDATE … WHERE status = <old>`, so two workers (or
a worker and a registrar) cannot both make it, and nobody is emailed twice.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from nurture.accounts.models import User
from nurture.accounts.roles import Role
from nurture.core.audit import audit_record
from nurture.core.data_versions import data_version_bump
from nurture.core.emails import EmailLimitReached, Sender, email_send
from nurture.core.link_tokens import pk_from_signed_token, signed_token
from nurture.core.origins import site_url
from nurture.framework.models import Level
from nurture.register.models import (
    REGISTER_DATA_SET,
    RegisterEntry,
    RegisterNameToken,
    Renewal,
    RenewalReminder,
    Subscription,
)
from nurture.register.names import name_fold, search_tokens
from nurture.register.numbers import REAL_SERIALS, number_check, number_for
from nurture.register.renewal import lapses_on, next_period, one_year_after, status_for_dates
from nurture.register.selectors import ACCOUNT_ERASED, STATUS_LABELS, renewal_requirements

Status = RegisterEntry.Status
CONFIRM_SALT = "register.subscription.confirm"
UNSUBSCRIBE_SALT = "register.subscription.unsubscribe"
CONFIRM_DAYS = 7


class RegisterError(Exception):
    """A change the Register refuses, with a message for the person who asked."""


# Entries ---------------------------------------------------------------------------


def tokens_write(*, entry: RegisterEntry) -> None:
    RegisterNameToken.objects.filter(entry=entry).delete()
    RegisterNameToken.objects.bulk_create(
        [
            RegisterNameToken(entry=entry, token=token, sort_name=entry.search_name)
            for token in search_tokens(entry.full_name)
        ]
    )


def _number_allocate(entry: RegisterEntry) -> None:
    """Save a new entry under a random unused number (retrying on the rare clash)."""
    low, high = REAL_SERIALS
    for _attempt in range(20):
        entry.number = number_for(low + secrets.randbelow(high - low + 1))
        try:
            with transaction.atomic():
                entry.save()
        except IntegrityError:
            if not RegisterEntry.objects.filter(number=entry.number).exists():
                raise
            continue
        return
    raise RegisterError("Could not find a free registration number. Please try again.")


def register_entry_create(
    *, practitioner: User, level: Level, actor: User, endorsed_on: date | None = None
) -> RegisterEntry:
    """Put an endorsed practitioner on the Register at `level`.

    If they already have an entry for that level, that entry is returned: as it is
    when they are endorsed today, else reactivated for a new year from `endorsed_on`
    (it keeps its number and first endorsement date)."""
    endorsed_on = endorsed_on or timezone.localdate()
    now = timezone.now()
    with transaction.atomic():
        entry = (
            RegisterEntry.objects.select_for_update().filter(practitioner=practitioner, level_code=level.code).first()
        )
        if entry is not None:
            if entry.endorsed_today:
                return entry
            old = entry.status
            entry.status = status_for_dates(one_year_after(endorsed_on), timezone.localdate())
            entry.period_started_on = endorsed_on
            entry.renewal_due_on = one_year_after(endorsed_on)
            entry.status_changed_at = now
            entry.status_reason = ""
            entry.level_name = level.name
            entry.save()
            data_version_bump(REGISTER_DATA_SET)
            audit_record(
                action="register.entry.reactivated",
                actor=actor,
                target=entry,
                data={"number": entry.number, "from": old, "to": entry.status, "endorsed_on": str(endorsed_on)},
            )
            _notify(entry=entry, old=old, template="reinstated")
            return entry
        entry = RegisterEntry(
            practitioner=practitioner,
            full_name=practitioner.full_name or str(practitioner),
            search_name=name_fold(practitioner.full_name or str(practitioner)),
            level_code=level.code,
            level_name=level.name,
            status=status_for_dates(one_year_after(endorsed_on), timezone.localdate()),
            first_endorsed_on=endorsed_on,
            period_started_on=endorsed_on,
            renewal_due_on=one_year_after(endorsed_on),
            status_changed_at=now,
            profession=practitioner.profession,
            region=practitioner.region,
            employer=practitioner.employer,
        )
        _number_allocate(entry)
        tokens_write(entry=entry)
        data_version_bump(REGISTER_DATA_SET)
        audit_record(
            action="register.entry.created",
            actor=actor,
            target=entry,
            data={"number": entry.number, "level": level.code, "practitioner": practitioner.pk},
        )
    return entry


def register_visibility_update(
    *, practitioner: User, show_profession: bool, show_region: bool, show_employer: bool
) -> int:
    """The practitioner chooses what the Register shows of them (on all their entries),
    with the values from their profile today."""
    with transaction.atomic():
        changed = RegisterEntry.objects.filter(practitioner=practitioner).update(
            show_profession=show_profession,
            show_region=show_region,
            show_employer=show_employer,
            profession=practitioner.profession,
            region=practitioner.region,
            employer=practitioner.employer,
        )
        data_version_bump(REGISTER_DATA_SET)
        audit_record(
            action="register.entry.visibility_updated",
            actor=practitioner,
            data={"profession": show_profession, "region": show_region, "employer": show_employer},
        )
    return changed


def register_entries_unlink(*, practitioner: User) -> list[RegisterEntry]:
    """The practitioner's account is being erased (accounts' `person_erase`, through this
    app's `personal_data`): each of their entries stays as the public sees it, without the
    account, and the profession, region or employer it held but did not show are blanked.
    Each entry's history gets `register.entry.account_erased`, which the registrar's page
    shows, and the registrars are emailed the numbers."""
    with transaction.atomic():
        entries = list(RegisterEntry.objects.select_for_update().filter(practitioner=practitioner).order_by("number"))
        for entry in entries:
            entry.practitioner = None
            shown = {"profession": entry.show_profession, "region": entry.show_region, "employer": entry.show_employer}
            for name, is_shown in shown.items():
                if not is_shown:
                    setattr(entry, name, "")
            entry.save(update_fields=["practitioner", "profession", "region", "employer"])
            audit_record(action=ACCOUNT_ERASED, actor_label="account erasure", target=entry)
        if entries:
            data_version_bump(REGISTER_DATA_SET)
            _registrars_tell_account_erased(entries)
    return entries


def _registrars_tell_account_erased(entries: list[RegisterEntry]) -> None:
    """Each active registrar is emailed the numbers (and nothing else about the person): no
    one can renew these entries any more, and their pages say what happened."""
    context = {
        "numbers": [entry.number for entry in entries],
        "entries": [(entry.number, site_url("register:staff_entry", entry.number)) for entry in entries],
        "erased_on": f"{timezone.localdate():%-d %B %Y}",
    }
    registrars = get_user_model().objects.filter(role=Role.REGISTRAR, is_active=True).order_by("pk")
    for to in registrars.values_list("email", flat=True):
        email_send(to=to, template="register/email/account_erased", context=context, about=entries[0])


def _status_change(
    *,
    entry: RegisterEntry,
    to: str,
    action: str,
    actor: User | None = None,
    actor_label: str = "",
    reason: str = "",
    template: str = "",
    extra: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> bool:
    """Move `entry` from the status it was read with to `to`, atomically; False if
    someone else changed it first. Audits it and queues the emails."""
    old = entry.status
    fields = {"status": to, "status_changed_at": now or timezone.now(), **(extra or {})}
    if not RegisterEntry.objects.filter(pk=entry.pk, status=old).update(**fields):
        return False
    data_version_bump(REGISTER_DATA_SET)
    for name, value in fields.items():
        setattr(entry, name, value)
    audit_record(
        action=action,
        actor=actor,
        actor_label=actor_label,
        target=entry,
        reason=reason,
        data={"number": entry.number, "from": old, "to": to},
    )
    _notify(entry=entry, old=old, template=template, reason=reason)
    return True


# The registrar's actions ------------------------------------------------------------

STAFF_ACTIONS: dict[str, tuple[tuple[str, ...], str]] = {
    # action: (from statuses, past tense for the audit and the email)
    "suspend": ((Status.ACTIVE, Status.RENEWAL_DUE, Status.LAPSED), "suspended"),
    "remove": ((Status.ACTIVE, Status.RENEWAL_DUE, Status.LAPSED, Status.SUSPENDED), "removed"),
    "restore": ((Status.SUSPENDED, Status.REMOVED), "restored"),
}


def register_entry_action(*, entry: RegisterEntry, action: str, actor: User, reason: str, today: date) -> RegisterEntry:
    """The registrar suspends, removes or restores an entry, saying why.

    Restoring puts the entry back to what its dates say today (active, renewal
    due or lapsed)."""
    reason = reason.strip()
    if action not in STAFF_ACTIONS:
        raise RegisterError("Choose suspend, remove or restore.")
    if not reason:
        raise RegisterError("Give the reason: it is recorded and sent to the practitioner.")
    allowed, done = STAFF_ACTIONS[action]
    with transaction.atomic():
        entry = RegisterEntry.objects.select_for_update().get(pk=entry.pk)
        if entry.status not in allowed:
            raise RegisterError(f"An entry that is {STATUS_LABELS[entry.status].lower()} cannot be {done}.")
        to = status_for_dates(entry.renewal_due_on, today) if action == "restore" else done
        _status_change(
            entry=entry,
            to=to,
            action=f"register.entry.{done}",
            actor=actor,
            reason=reason,
            template=done,
            extra={"status_reason": reason},
        )
    return entry


# Renewal ---------------------------------------------------------------------------


def renewal_submit(
    *,
    entry: RegisterEntry,
    actor: User,
    cpd_hours: Decimal,
    supervision_hours: Decimal,
    ethics_agreed: bool,
    today: date,
) -> Renewal:
    """The practitioner renews for a year. A lapsed entry is reinstated (late renewal),
    with a new year from today; otherwise the year runs on from the old due date."""
    with transaction.atomic():
        entry = RegisterEntry.objects.select_for_update().get(pk=entry.pk)
        if entry.practitioner_id is None or entry.practitioner_id != getattr(actor, "pk", None):
            raise RegisterError("Only the practitioner can renew their entry.")
        # Renewed a moment ago by the same form sent twice (a double click: the lock
        # above made this one wait): that renewal is the answer, not a refusal.
        just_made = entry.renewals.filter(submitted_on=today, new_due_on=entry.renewal_due_on).first()
        if just_made is not None:
            return just_made
        if entry.status not in (Status.RENEWAL_DUE, Status.LAPSED):
            raise RegisterError(
                f"Renewal opens 60 days before the due date, {entry.renewal_due_on:%-d %B %Y}."
                if entry.status == Status.ACTIVE
                else "This entry cannot be renewed now. Contact the registrar."
            )
        need_cpd, need_supervision = renewal_requirements(entry.level_code)
        problems = []
        if cpd_hours < need_cpd:
            problems.append(f"at least {need_cpd} CPD hours")
        if supervision_hours < need_supervision:
            problems.append(f"at least {need_supervision} hours of reflective supervision")
        if not ethics_agreed:
            problems.append("your agreement to the code of ethics")
        if problems:
            raise RegisterError("Renewal needs " + ", ".join(problems) + ".")
        lapsed = entry.status == Status.LAPSED
        started, due = next_period(due_on=entry.renewal_due_on, today=today, lapsed=lapsed)
        renewal = Renewal.objects.create(
            entry=entry,
            submitted_on=today,
            cpd_hours=cpd_hours,
            supervision_hours=supervision_hours,
            ethics_agreed=True,
            previous_due_on=entry.renewal_due_on,
            new_due_on=due,
            late=lapsed,
        )
        _status_change(
            entry=entry,
            to=status_for_dates(due, today),
            action="register.entry.reinstated" if lapsed else "register.entry.renewed",
            actor=actor,
            template="reinstated" if lapsed else "renewed",
            extra={"period_started_on": started, "renewal_due_on": due, "status_reason": ""},
        )
        audit_record(
            action="register.renewal.submitted",
            actor=actor,
            target=entry,
            data={
                "cpd_hours": str(cpd_hours),
                "supervision_hours": str(supervision_hours),
                "previous_due_on": str(renewal.previous_due_on),
                "new_due_on": str(due),
                "late": lapsed,
            },
        )
    return renewal


def renewal_reminder_send(*, entry: RegisterEntry, days_before: int) -> bool:
    """Claim the reminder (a unique row per entry, due date and days before), then
    email it. False if it was already claimed: it has gone, or is going."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                RenewalReminder.objects.create(entry=entry, due_on=entry.renewal_due_on, days_before=days_before)
        except IntegrityError:
            return False
        audit_record(
            action="register.renewal.reminded",
            actor_label="scheduled task",
            target=entry,
            data={"number": entry.number, "due_on": str(entry.renewal_due_on), "days_before": days_before},
        )
        _notify(entry=entry, old=entry.status, template="reminder", days_before=days_before)
    return True


def register_status_follow_calendar(*, entry: RegisterEntry, today: date) -> bool:
    """Active → renewal due (60 days before the due date) → lapsed (30 days after it)."""
    to = status_for_dates(entry.renewal_due_on, today)
    if entry.status not in (Status.ACTIVE, Status.RENEWAL_DUE) or to == entry.status:
        return False
    if entry.status == Status.RENEWAL_DUE and to == Status.ACTIVE:
        return False
    with transaction.atomic():
        return _status_change(
            entry=entry,
            to=to,
            action=f"register.entry.{'lapsed' if to == Status.LAPSED else 'renewal_due'}",
            actor_label="scheduled task",
            template="lapsed" if to == Status.LAPSED else "",
        )


# Employers' subscriptions -----------------------------------------------------------


def _pending_subscription(email: str, entries: list[RegisterEntry]) -> Subscription | None:
    """A subscription of this address to exactly these entries, not confirmed yet."""
    wanted = {entry.pk for entry in entries}
    pending = Subscription.objects.filter(
        email__iexact=email, confirmed_at__isnull=True, unsubscribed_at__isnull=True
    ).prefetch_related("entries")
    return next((s for s in pending if {entry.pk for entry in s.entries.all()} == wanted), None)


def subscription_create(*, email: str, numbers: list[str], sender: Sender) -> Subscription | None:
    """An employer asks to be told when these entries change status; we email a
    link to confirm the address. None if no number is on the Register. Raises
    `RegisterError`, with nothing stored, when the email limits are reached."""
    wanted = {c.number for c in map(number_check, numbers) if c.valid}
    with transaction.atomic():
        # The entries are locked (in one order, so two requests cannot deadlock): the
        # same request sent twice at once (a double click) runs one after the other,
        # and the second finds the first's subscription and sends its link again,
        # as signing the pledge again does, instead of making a second one.
        entries = list(
            RegisterEntry.objects.for_public_display()
            .filter(number__in=wanted)
            .order_by("pk")
            .select_for_update(of=("self",))
        )
        if not entries:
            return None
        subscription = _pending_subscription(email, entries) or Subscription.objects.create(email=email)
        if not subscription.entries.exists():
            subscription.entries.set(entries)
            audit_record(
                action="register.subscription.requested",
                actor_label=f"employer {email}",
                target=subscription,
                data={"entries": len(entries)},
            )
        token = signed_token(subscription.pk, salt=CONFIRM_SALT)
        context = {
            "count": len(entries),
            "confirm_url": site_url("register:subscription_confirm", token),
            "unsubscribe_url": _unsubscribe_url(subscription),
            "days": CONFIRM_DAYS,
        }
        try:
            email_send(
                to=email,
                template="register/email/subscription_confirm",
                context=context,
                about=subscription,
                sender=sender,
            )
        except EmailLimitReached as refused:
            raise RegisterError(str(refused)) from None
    return subscription


def subscription_from_token(token: str, *, confirm: bool) -> Subscription | None:
    salt, max_age = (CONFIRM_SALT, CONFIRM_DAYS * 86400) if confirm else (UNSUBSCRIBE_SALT, None)
    pk = pk_from_signed_token(token, salt=salt, max_age=max_age)
    return None if pk is None else Subscription.objects.filter(pk=pk).first()


def subscription_confirm(*, subscription: Subscription) -> Subscription:
    with transaction.atomic():
        if Subscription.objects.filter(pk=subscription.pk, confirmed_at__isnull=True).update(
            confirmed_at=timezone.now()
        ):
            audit_record(
                action="register.subscription.confirmed",
                actor_label=f"employer {subscription.email}",
                target=subscription,
            )
    subscription.refresh_from_db()
    return subscription


def subscription_cancel(*, subscription: Subscription) -> Subscription:
    with transaction.atomic():
        if Subscription.objects.filter(pk=subscription.pk, unsubscribed_at__isnull=True).update(
            unsubscribed_at=timezone.now()
        ):
            audit_record(
                action="register.subscription.cancelled",
                actor_label=f"employer {subscription.email}",
                target=subscription,
            )
    subscription.refresh_from_db()
    return subscription


# Emails ----------------------------------------------------------------------------


def _unsubscribe_url(subscription: Subscription) -> str:
    return site_url("register:unsubscribe", signed_token(subscription.pk, salt=UNSUBSCRIBE_SALT))


def _notify(*, entry: RegisterEntry, old: str, template: str = "", reason: str = "", days_before: int = 0) -> None:
    """In the change's transaction: the practitioner's email (`template`), and, when
    the status changed, one email to each confirmed subscriber watching the entry."""
    context = {
        "full_name": entry.full_name,
        "number": entry.number,
        "level_name": entry.level_name,
        "status": STATUS_LABELS[entry.status],
        "old_status": STATUS_LABELS[old],
        "endorsed_today": entry.endorsed_today,
        "due_on": f"{entry.renewal_due_on:%-d %B %Y}",
        "lapses_on": f"{lapses_on(entry.renewal_due_on):%-d %B %Y}",
        "days_before": days_before,
        "reason": reason,
        "entry_url": site_url("register:entry", entry.number),
        "mine_url": site_url("register:mine"),
    }
    messages: list[tuple[str, str, dict[str, Any]]] = []
    practitioner = entry.practitioner
    if template and practitioner is not None and practitioner.email:
        messages.append((practitioner.email, f"register/email/{template}", context))
    if old != entry.status:
        for subscription in Subscription.objects.filter(
            entries=entry, confirmed_at__isnull=False, unsubscribed_at__isnull=True
        ):
            messages.append(
                (
                    subscription.email,
                    "register/email/status_changed",
                    {**context, "reason": "", "unsubscribe_url": _unsubscribe_url(subscription)},
                )
            )

    for to, name, values in messages:
        email_send(to=to, template=name, context=values, about=entry)
