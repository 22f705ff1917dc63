"""Free-text answers (issue 14, point 4): the coordinator codes a free-text question's
answers with themes (several per answer) and chooses answers as quotes for reports.

A quote may be chosen, and later published, only when the respondent agreed to be quoted
and the portfolio's identifier scan finds nothing in it (an NHS number, a date of birth,
a full postcode, a phone number); it is attributed by the respondent's role only: their
answer to the survey's role question, or the name of their sample. `quote_problem` is the
one rule, so the quotes page and a report's publication judge a quote the same way.

Each write is atomic, checks that the actor is the coordinator, and is audited.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable

from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from nurture.accounts.models import User
from nurture.accounts.roles import Role
from nurture.core.audit import audit_record
from nurture.core.text import ONE_LINE_REFUSED
from nurture.portfolios.identifiers import DATE_OF_BIRTH, LABELS, NHS_NUMBER, PHONE, POSTCODE, identifiers_find
from nurture.surveys import questionnaire as rules
from nurture.surveys.models import Coding, Question, Quote, ReportItem, Response, Sample, Theme
from nurture.surveys.services import SurveyError

THEME_NAME_MAX = Theme._meta.get_field("name").max_length or 100
ATTRIBUTION_MAX = Quote._meta.get_field("attribution").max_length or 120

# A profile question is the role question when its code or wording names a role.
_ROLE_WORDS = re.compile(r"\b(role|profession|occupation|job)s?\b", re.IGNORECASE)

# How a finding of the identifier scan is named in a sentence (never the text found).
_FOUND_NAMES = {
    NHS_NUMBER: "an NHS number",
    DATE_OF_BIRTH: "a date of birth",
    POSTCODE: "a full postcode",
    PHONE: "a phone number",
}


# Rules, with no writes -------------------------------------------------------------------


def answer_text(response: Response, question: Question) -> str:
    """The response's answer to a free-text question, trimmed; "" when it has none."""
    value = response.answers.get(question.code)
    return value.strip() if isinstance(value, str) else ""


def role_question(questions: Iterable[Question]) -> Question | None:
    """The survey's role question: the first single-choice profile question whose code or
    wording names a role, profession, occupation or job (e.g. ROLE, "What is your role?")."""
    for question in questions:
        if (
            question.profile
            and question.kind == rules.Kind.SINGLE
            and (_ROLE_WORDS.search(question.code.replace("_", " ")) or _ROLE_WORDS.search(question.text))
        ):
            return question
    return None


def role_label(response: Response, role: Question | None) -> str:
    """The label of the respondent's answer to the role question; "" when not given."""
    if role is None:
        return ""
    value = response.answers.get(role.code)
    if not isinstance(value, str) or value == rules.DONT_KNOW:
        return ""
    return role.labels.get(value, "")


def sample_label(sample: Sample) -> str:
    """A sample's name as one respondent's: "Professionals" gives "Professional"."""
    name = " ".join(sample.name.split())
    if " " not in name and len(name) > 3 and name.endswith("s") and not name.endswith(("ss", "us", "is")):
        return name[:-1]
    return name


def attribution_of(response: Response, role: Question | None) -> str:
    """Who a quote is from, by role only: never the respondent's age, sex, region or anything else."""
    return (role_label(response, role) or sample_label(response.sample))[:ATTRIBUTION_MAX]


_CONTACTS = (
    ("an email address", re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")),
    ("a web address", re.compile(r"(?i)\b(?:https?://|www\.)\S+")),
    ("a social media handle", re.compile(r"(?<![\w@])@[A-Za-z0-9_]{2,30}\b")),
)


def identifier_problem(text: str) -> str:
    """A sentence naming the kinds of identifier the scan finds in `text` (never what it
    found); "" when it finds none."""
    kinds = list(dict.fromkeys(finding.kind for finding in identifiers_find(text)))
    named = [_FOUND_NAMES.get(kind, f"a {LABELS.get(kind, 'personal detail').lower()}") for kind in kinds]
    # Beyond the portfolio's scan: ways to reach a person that a quote must not carry either.
    named += [name for name, pattern in _CONTACTS if pattern.search(text)]
    if not named:
        return ""
    listed = named[0] if len(named) == 1 else f"{', '.join(named[:-1])} and {named[-1]}"
    return (
        f"This answer holds what looks like {listed}, so it cannot be quoted: a published "
        "quote must not identify anyone."
    )


def quote_problem(*, consent: bool, text: str) -> str:
    """Why an answer may not be published as a quote, as a sentence; "" when it may."""
    if not consent:
        return "The respondent did not agree to be quoted, so this answer cannot be quoted."
    return identifier_problem(text)


def _coordinator_only(actor: User) -> None:
    if actor.role != Role.COORDINATOR:
        raise SurveyError("Only the survey coordinator codes answers and chooses quotes.")


def _text_question(question: Question) -> None:
    if question.kind != rules.Kind.TEXT:
        raise SurveyError(f"{question.code} is not a free-text question, so its answers are not coded.")


def _theme_name(raw: str) -> str:
    if ONE_LINE_REFUSED.search(raw.replace("\t", " ").replace("\n", " ").replace("\r", " ")):
        raise SurveyError("Remove the control characters from the theme's name.")
    name = " ".join(raw.split())
    if not name:
        raise SurveyError("Give the theme a name.")
    if len(name) > THEME_NAME_MAX:
        raise SurveyError(f"A theme's name is at most {THEME_NAME_MAX} characters.")
    return name


def _name_free(question: Question, name: str, *, other_than: Theme | None = None) -> None:
    taken = Theme.objects.filter(question=question, name__iexact=name)
    if other_than is not None:
        taken = taken.exclude(pk=other_than.pk)
    if taken.exists():
        raise SurveyError(f"{question.code} already has the theme “{name}”.")


# Themes ------------------------------------------------------------------------------------


def theme_add(*, question: Question, name: str, actor: User) -> Theme:
    """A new theme for a free-text question; its name is unique on the question, whatever its case."""
    _coordinator_only(actor)
    _text_question(question)
    name = _theme_name(name)
    with transaction.atomic():
        _name_free(question, name)
        try:
            with transaction.atomic():
                theme = Theme.objects.create(question=question, name=name)
        except IntegrityError:
            raise SurveyError(f"{question.code} already has the theme “{name}”.") from None
        audit_record(
            action="surveys.theme.added", actor=actor, target=theme, data={"question": question.code, "name": name}
        )
    return theme


def theme_rename(*, theme: Theme, name: str, actor: User) -> Theme:
    _coordinator_only(actor)
    name = _theme_name(name)
    with transaction.atomic():
        before = Theme.objects.select_for_update().get(pk=theme.pk)
        if before.name == name:
            return before
        _name_free(before.question, name, other_than=before)
        Theme.objects.filter(pk=theme.pk).update(name=name)
        audit_record(
            action="surveys.theme.renamed",
            actor=actor,
            target=before,
            data={"question": before.question.code, "from": before.name, "to": name},
        )
        before.name = name
    return before


def theme_remove(*, theme: Theme, actor: User) -> int:
    """Remove a theme and its codings; returns the number of answers it was given to."""
    _coordinator_only(actor)
    with transaction.atomic():
        found = Theme.objects.select_related("question").filter(pk=theme.pk).first()
        if found is None:
            raise SurveyError("That theme has already been removed.")
        coded = found.codings.count()
        audit_record(
            action="surveys.theme.removed",
            actor=actor,
            target=found,
            data={"question": found.question.code, "name": found.name, "answers": coded},
        )
        found.delete()
    return coded


# Coding ------------------------------------------------------------------------------------


def _answer_of(response: Response, question: Question) -> str:
    """The response's answer to the question, refused when it cannot be coded or quoted."""
    _text_question(question)
    if response.sample.survey_id != question.survey_id:
        raise SurveyError("That response belongs to another survey.")
    if not response.is_complete:
        raise SurveyError("That response is not finished, so its answers are not coded or quoted yet.")
    text = answer_text(response, question)
    if not text:
        raise SurveyError(f"That respondent did not answer {question.code}.")
    return text


def answer_code(*, response: Response, question: Question, theme_ids: Collection[int], actor: User) -> list[Theme]:
    """Give one response's answer to a free-text question exactly these themes (the set
    is replaced: themes left out are taken off). Returns the themes, by name."""
    _coordinator_only(actor)
    with transaction.atomic():
        fresh = Response.objects.select_for_update().select_related("sample").get(pk=response.pk)
        _answer_of(fresh, question)
        wanted = set(theme_ids)
        themes = list(Theme.objects.filter(question=question, pk__in=wanted).order_by("name"))
        if len(themes) != len(wanted):
            raise SurveyError(f"A theme chosen is not one of {question.code}'s themes: reload the page and try again.")
        current = set(
            Coding.objects.filter(response=fresh, theme__question=question).values_list("theme_id", flat=True)
        )
        if current == wanted:
            return themes
        Coding.objects.filter(response=fresh, theme__question=question).exclude(theme_id__in=wanted).delete()
        Coding.objects.bulk_create([Coding(response=fresh, theme_id=pk) for pk in wanted - current])
        audit_record(
            action="surveys.answer.coded",
            actor=actor,
            target=fresh,
            data={"question": question.code, "themes": [t.name for t in themes]},
        )
    return themes


# Quotes ------------------------------------------------------------------------------------


def quote_choose(*, response: Response, question: Question, actor: User) -> Quote:
    """Choose a response's answer to a free-text question as a quote: refused when the
    respondent did not agree to be quoted or the identifier scan finds anything in it
    (nothing is kept then). The quote is attributed by the respondent's role only."""
    _coordinator_only(actor)
    with transaction.atomic():
        fresh = Response.objects.select_for_update().select_related("sample").get(pk=response.pk)
        text = _answer_of(fresh, question)
        if problem := quote_problem(consent=fresh.quote_consent, text=text):
            raise SurveyError(problem)
        if Quote.objects.filter(response=fresh, question=question).exists():
            raise SurveyError("That answer is already a quote.")
        attribution = attribution_of(fresh, role_question(question.survey.questions.order_by("position")))
        quote = Quote.objects.create(
            response=fresh, question=question, text=text, attribution=attribution, chosen_by=actor
        )
        audit_record(
            action="surveys.quote.chosen",
            actor=actor,
            target=quote,
            data={"question": question.code, "response": fresh.pk, "attribution": attribution},
        )
    return quote


def quote_remove(*, quote: Quote, actor: User) -> None:
    """Take a quote off the list; refused while a report uses it."""
    _coordinator_only(actor)
    with transaction.atomic():
        found = Quote.objects.select_for_update().select_related("question").filter(pk=quote.pk).first()
        if found is None:
            raise SurveyError("That quote has already been removed.")
        _not_in_a_report(found)
        audit_record(
            action="surveys.quote.removed",
            actor=actor,
            target=found,
            data={"question": found.question.code, "response": found.response_id, "attribution": found.attribution},
        )
        try:
            with transaction.atomic():
                found.delete()
        except ProtectedError:  # a report took it up in the meantime
            _not_in_a_report(found)
            raise


def _not_in_a_report(quote: Quote) -> None:
    titles = sorted(set(ReportItem.objects.filter(quote=quote).values_list("report__title", flat=True)))
    if titles:
        more = f" and {len(titles) - 1} more" if len(titles) > 1 else ""
        raise SurveyError(f"This quote is used in the report “{titles[0]}”{more}: take it out of the report first.")
