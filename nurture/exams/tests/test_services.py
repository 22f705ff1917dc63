"""The exam's services as the people in it would check them: the registrar's bank and
blueprints, the candidate's sitting and its clock, marking, and the endorsement guard."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from conftest import make_person
from nurture.accounts.models import User
from nurture.accounts.roles import Role
from nurture.core.models import AuditEntry
from nurture.endorsements.models import Application, ConflictDeclaration
from nurture.endorsements.services import decision_check
from nurture.endorsements.workflow import State, WorkflowError
from nurture.exams import rules
from nurture.exams.bank_file import bank_file_read
from nurture.exams.models import (
    Accommodation,
    Attempt,
    AttemptItem,
    Blueprint,
    Part,
    Question,
    QuestionVersion,
    WrittenMark,
)
from nurture.exams.selectors import exam_framework, exam_passed
from nurture.exams.services import (
    ExamError,
    accommodation_grant,
    answer_save,
    attempt_start,
    attempt_submit,
    attempts_overdue_submit,
    bank_export,
    bank_import,
    blueprint_save,
    mark_submit,
    markers_missing_assign,
)
from nurture.exams.tests.conftest import bank_content, mcq, part1_values, small_bank, vignette

pytestmark = pytest.mark.django_db


# The bank --------------------------------------------------------------------------------


def test_a_bank_file_is_imported_whole_and_again_changes_nothing(registrar: User) -> None:
    first = bank_import(bank_content(*small_bank()), actor=registrar)
    assert (first.added, first.new_versions, first.unchanged) == (31, 0, 0)
    again = bank_import(bank_content(*small_bank()), actor=registrar)
    assert (again.added, again.new_versions, again.unchanged) == (0, 0, 31)
    assert QuestionVersion.objects.count() == 31
    version = QuestionVersion.objects.get(question__key="mcq-d4-2")
    assert (version.domain, version.level, version.number, version.is_current) == ("D4", "intervention", 1, True)


def test_a_file_with_one_bad_question_imports_nothing_and_says_which(registrar: User) -> None:
    questions = small_bank()
    questions[5] = mcq("mcq-bad", options=["only", "two"])
    questions[7] = mcq("mcq-unknown", competencies=["D99.1"])
    done = bank_import(bank_content(*questions), actor=registrar)
    assert not done.ok
    reported = [str(p) for p in done.problems]
    assert len(reported) == 2
    assert reported[0].startswith("Question 6 (mcq-bad):") and "3 to 5" in reported[0]
    assert reported[1].startswith("Question 8 (mcq-unknown):") and "D99.1" in reported[1]
    assert Question.objects.count() == 0 and QuestionVersion.objects.count() == 0


def test_a_key_of_the_other_kind_is_refused(bank: None, registrar: User) -> None:
    done = bank_import(bank_content(vignette("mcq-d1-1")), actor=registrar)
    assert [str(p) for p in done.problems] == [
        "Question 1 (mcq-d1-1): this key names a multiple choice question in the bank"
    ]


def test_editing_a_question_makes_a_version_and_a_drawn_paper_keeps_the_old(
    blueprints: tuple[Blueprint, Blueprint], application: Application, practitioner: User, registrar: User
) -> None:
    attempt = attempt_start(application=application, actor=practitioner, part=Part.MULTIPLE_CHOICE)
    item = attempt.items.select_related("version__question").first()
    assert item is not None
    key = item.version.question.key
    domain = key.split("-")[1].upper()
    edited = mcq(key, domain, stem="Reworded: which option is right?")
    done = bank_import(bank_content(edited), actor=registrar)
    assert (done.added, done.new_versions) == (0, 1)
    versions = list(QuestionVersion.objects.filter(question__key=key).order_by("number"))
    assert [(v.number, v.is_current) for v in versions] == [(1, False), (2, True)]
    assert versions[1].stem == "Reworded: which option is right?"
    item.refresh_from_db()
    assert item.version_id == versions[0].pk and item.version.stem != versions[1].stem


def test_the_export_reads_back_as_the_bank(bank: None, registrar: User) -> None:
    exported = bank_export()
    framework = exam_framework()
    read = bank_file_read(exported.encode(), levels=framework.levels, competencies=framework.domain_of.keys())
    assert read.ok and len(read.questions) == 31
    assert json.loads(exported)["questions"][0]["key"] == "mcq-d1-1"
    again = bank_import(exported.encode(), actor=registrar)
    assert (again.added, again.new_versions, again.unchanged) == (0, 0, 31)


# Blueprints ------------------------------------------------------------------------------


def test_a_blueprint_the_bank_cannot_fill_is_refused_naming_the_domain(bank: None, registrar: User) -> None:
    wanting = part1_values(per_domain={"D1": 2, "D4": 5, "D9": 7})
    with pytest.raises(ExamError) as refused:
        blueprint_save(level="intervention", part=Part.MULTIPLE_CHOICE, values=wanting, actor=registrar)
    message = str(refused.value)
    assert (
        "D4 Observation, Assessment and Identifying Risk: the blueprint asks for 5 questions, the bank has 3 (2 short)."
        in message
    )
    d9 = "D9 Collaboration, Leadership, Advocacy and Systems"
    assert f"{d9}: the blueprint asks for 7 questions, the bank has 3 (4 short)." in message
    assert "D1 Infant" not in message  # the bank fills D1
    assert not Blueprint.objects.exists()


def test_a_blueprint_only_for_a_level_with_the_exam(bank: None, registrar: User) -> None:
    with pytest.raises(ExamError, match="requires the exam"):
        blueprint_save(level="promotion", part=Part.MULTIPLE_CHOICE, values=part1_values(), actor=registrar)


def test_a_leadership_paper_draws_on_intervention_questions_too(bank: None, registrar: User) -> None:
    saved = blueprint_save(level="leadership", part=Part.MULTIPLE_CHOICE, values=part1_values(), actor=registrar)
    assert saved.questions == 18
    assert exam_framework().pool_levels("intervention") == ("intervention",)


# Starting --------------------------------------------------------------------------------


def test_only_the_applicant_of_an_accepted_application_may_start(
    blueprints: tuple[Blueprint, Blueprint], application: Application, other_practitioner: User
) -> None:
    with pytest.raises(ExamError, match="Only the applicant"):
        attempt_start(application=application, actor=other_practitioner, part=Part.MULTIPLE_CHOICE)
    for state in (State.DRAFT, State.SUBMITTED, State.ENDORSED, State.WITHDRAWN):
        Application.objects.filter(pk=application.pk).update(state=state)
        application.refresh_from_db()
        with pytest.raises(ExamError, match="accepted for review"):
            attempt_start(application=application, actor=application.practitioner, part=Part.MULTIPLE_CHOICE)
    assert not Attempt.objects.exists()


def test_a_level_without_the_exam_has_none(blueprints: tuple[Blueprint, Blueprint], practitioner: User) -> None:
    from nurture.framework.models import Level

    promotion = Level.objects.get(version__is_current=True, code="promotion")
    made = Application.objects.create(practitioner=practitioner, level=promotion, state=State.UNDER_REVIEW)
    with pytest.raises(ExamError, match="has no exam"):
        attempt_start(application=made, actor=practitioner, part=Part.MULTIPLE_CHOICE)


def test_the_paper_is_drawn_to_the_blueprint_once_and_kept(
    blueprints: tuple[Blueprint, Blueprint], application: Application, practitioner: User
) -> None:
    started = timezone.now()
    attempt = attempt_start(application=application, actor=practitioner, part=Part.MULTIPLE_CHOICE, now=started)
    items = list(attempt.items.select_related("version"))
    assert len(items) == 18
    per_domain: dict[str, int] = {}
    for item in items:
        per_domain[item.version.domain] = per_domain.get(item.version.domain, 0) + 1
        assert sorted(item.option_order) == [0, 1, 2, 3]
    assert per_domain == dict.fromkeys(per_domain, 2) and len(per_domain) == 9
    assert attempt.deadline == started + timedelta(minutes=90)
    # Reopened (a closed tab, another device): the same attempt, the same paper.
    again = attempt_start(application=application, actor=practitioner, part=Part.MULTIPLE_CHOICE)
    assert again.pk == attempt.pk
    assert [(i.version_id, i.option_order) for i in again.items.all()] == [
        (i.version_id, i.option_order) for i in items
    ]
    assert AuditEntry.objects.filter(action="exams.attempt.started").count() == 1


def test_two_candidates_get_their_own_shuffles(
    blueprints: tuple[Blueprint, Blueprint], application: Application, other_practitioner: User, registrar: User
) -> None:
    from nurture.exams.tests.conftest import intervention

    other = Application.objects.create(practitioner=other_practitioner, level=intervention(), state=State.REVIEWED)
    one = attempt_start(application=application, actor=application.practitioner, part=Part.MULTIPLE_CHOICE)
    two = attempt_start(application=other, actor=other_practitioner, part=Part.MULTIPLE_CHOICE)
    assert one.seed != two.seed
    papers = [[(i.version_id, tuple(i.option_order)) for i in a.items.all()] for a in (one, two)]
    assert papers[0] != papers[1]


# Answering and the clock -----------------------------------------------------------------


def _started(application: Application, part: int = Part.MULTIPLE_CHOICE) -> Attempt:
    return attempt_start(application=application, actor=application.practitioner, part=part)


def test_a_choice_is_stored_as_the_option_itself_not_its_place_on_screen(
    blueprints: tuple[Blueprint, Blueprint], application: Application, practitioner: User
) -> None:
    attempt = _started(application)
    item = attempt.items.get(position=1)
    shown_first = item.option_order[0]
    saved = answer_save(attempt=attempt, actor=practitioner, position=1, choice=0)
    assert saved.chosen == shown_first
    cleared = answer_save(attempt=attempt, actor=practitioner, position=1, choice=None)
    assert cleared.chosen is None
    with pytest.raises(ExamError, match="Choose one of the options shown"):
        answer_save(attempt=attempt, actor=practitioner, position=1, choice=4)
    with pytest.raises(ExamError, match="no such question"):
        answer_save(attempt=attempt, actor=practitioner, position=99, choice=0)


def test_a_choice_is_saved_in_one_statement(
    blueprints: tuple[Blueprint, Blueprint], application: Application, practitioner: User
) -> None:
    """The save every candidate makes every few seconds is one round trip to the database;
    only a refused one reads again to say why."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    attempt = _started(application)
    with CaptureQueriesContext(connection) as queries:
        saved = answer_save(attempt=attempt, actor=practitioner, position=2, choice=1)
    assert len(queries) == 1 and queries[0]["sql"].lstrip().upper().startswith(("UPDATE", "WITH"))
    item = attempt.items.get(position=2)
    assert saved.chosen == item.chosen == item.option_order[1]


def test_answers_after_the_deadline_are_refused_but_a_save_in_flight_has_a_minute(
    blueprints: tuple[Blueprint, Blueprint], application: Application, practitioner: User
) -> None:
    attempt = _started(application)
    in_grace = attempt.deadline + rules.GRACE
    assert answer_save(attempt=attempt, actor=practitioner, position=2, choice=1, now=in_grace).chosen is not None
    with pytest.raises(ExamError, match="Time is up"):
        answer_save(attempt=attempt, actor=practitioner, position=3, choice=1, now=in_grace + timedelta(seconds=1))
    assert attempt.items.get(position=3).chosen is None


def test_someone_else_cannot_answer(
    blueprints: tuple[Blueprint, Blueprint], application: Application, other_practitioner: User
) -> None:
    attempt = _started(application)
    with pytest.raises(ExamError, match="not your attempt"):
        answer_save(attempt=attempt, actor=other_practitioner, position=1, choice=0)
    with pytest.raises(ExamError, match="not your attempt"):
        attempt_submit(attempt=attempt, actor=other_practitioner)


def test_multiple_choice_is_scored_at_submission_against_an_exact_pass_mark(
    blueprints: tuple[Blueprint, Blueprint], application: Application, practitioner: User
) -> None:
    attempt = _started(application)
    items = list(attempt.items.select_related("version"))
    # 14 of 18 right is 77.8%: under 80%.
    for n, item in enumerate(items):
        right = item.option_order.index(item.version.correct)
        answer_save(
            attempt=attempt, actor=practitioner, position=item.position, choice=right if n < 14 else (right + 1) % 4
        )
    done = attempt_submit(attempt=attempt, actor=practitioner)
    assert (done.status, done.score, done.out_of, done.passed) == (Attempt.Status.RELEASED, Decimal(14), 18, False)
    assert [i.mark for i in done.items.order_by("position")] == [Decimal(1)] * 14 + [Decimal(0)] * 4
    with pytest.raises(ExamError, match="submitted"):
        answer_save(attempt=attempt, actor=practitioner, position=1, choice=0)
    again = attempt_submit(attempt=attempt, actor=practitioner)
    assert again.score == Decimal(14) and AuditEntry.objects.filter(action="exams.attempt.submitted").count() == 1


def test_a_fail_waits_for_the_retake_and_attempts_run_out(
    blueprints: tuple[Blueprint, Blueprint], application: Application, practitioner: User
) -> None:
    attempt_submit(attempt=_started(application), actor=practitioner)
    with pytest.raises(ExamError, match="You may sit this part again from"):
        _started(application)
    Attempt.objects.update(released_at=timezone.now() - timedelta(days=30))
    second = _started(application)
    assert second.number == 2
    attempt_submit(attempt=second, actor=practitioner)
    Attempt.objects.update(released_at=timezone.now() - timedelta(days=60))
    with pytest.raises(ExamError, match="used the 2 attempts allowed"):
        _started(application)


def test_the_daily_job_submits_what_was_left_open_past_the_deadline(
    blueprints: tuple[Blueprint, Blueprint], application: Application, practitioner: User
) -> None:
    attempt = _started(application)
    answer_save(attempt=attempt, actor=practitioner, position=1, choice=0)
    assert attempts_overdue_submit(now=attempt.deadline + rules.GRACE) == 0
    assert attempts_overdue_submit(now=attempt.deadline + rules.GRACE + timedelta(seconds=1)) == 1
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.RELEASED and attempt.submitted_by_job
    assert attempts_overdue_submit(now=attempt.deadline + timedelta(days=1)) == 0


def test_extra_time_moves_the_deadline_and_is_audited_with_its_reason(
    blueprints: tuple[Blueprint, Blueprint], application: Application, practitioner: User, registrar: User
) -> None:
    attempt = _started(application)
    with pytest.raises(ExamError, match="reason"):
        accommodation_grant(candidate=practitioner, level="intervention", extra_minutes=25, reason=" ", actor=registrar)
    accommodation_grant(
        candidate=practitioner, level="intervention", extra_minutes=25, reason="Dyslexia assessment", actor=registrar
    )
    attempt.refresh_from_db()
    assert attempt.deadline == attempt.started_at + timedelta(minutes=115)
    entry = AuditEntry.objects.get(action="exams.accommodation.granted")
    assert entry.reason == "Dyslexia assessment" and entry.data["extra_minutes"] == 25
    assert Accommodation.objects.get().extra_minutes == 25


# Written answers and marking -------------------------------------------------------------


def test_two_of_three_cases_and_an_answer_kept_to_its_limit(
    blueprints: tuple[Blueprint, Blueprint], application: Application, practitioner: User
) -> None:
    attempt = _started(application, Part.WRITTEN)
    assert attempt.items.count() == 3
    answer_save(attempt=attempt, actor=practitioner, position=1, written="First case:\r\nI would notice…")
    answer_save(attempt=attempt, actor=practitioner, position=2, written="Second\x07 case.")
    assert attempt.items.get(position=2).written == "Second case."
    with pytest.raises(ExamError, match="You answer 2 of the 3 cases"):
        answer_save(attempt=attempt, actor=practitioner, position=3, written="A third")
    answer_save(attempt=attempt, actor=practitioner, position=2, written="   ")
    answer_save(attempt=attempt, actor=practitioner, position=3, written="The third instead")
    with pytest.raises(ExamError, match="at most 20,000 characters"):
        answer_save(attempt=attempt, actor=practitioner, position=3, written="x" * 20_001)
    assert attempt.items.get(position=3).written == "The third instead"
    assert attempt.items.get(position=1).written == "First case:\nI would notice…"
    with pytest.raises(ExamError, match="answered in writing"):  # a choice fits no written question
        answer_save(attempt=attempt, actor=practitioner, position=1, choice=0)
    assert attempt.items.get(position=1).chosen is None


def _written_submitted(application: Application) -> Attempt:
    attempt = _started(application, Part.WRITTEN)
    answer_save(attempt=attempt, actor=application.practitioner, position=1, written="Answer one")
    answer_save(attempt=attempt, actor=application.practitioner, position=2, written="Answer two")
    return attempt_submit(attempt=attempt, actor=application.practitioner)


def test_each_written_answer_goes_to_two_markers_never_a_conflicted_or_assigned_one(
    blueprints: tuple[Blueprint, Blueprint], application: Application, assessor: User, markers: list[User]
) -> None:
    ConflictDeclaration.objects.create(assessor=markers[0], practitioner_email=application.practitioner.email)
    attempt = _written_submitted(application)
    assert attempt.status == Attempt.Status.SUBMITTED
    marks = list(WrittenMark.objects.filter(item__attempt=attempt))
    assert len(marks) == 4
    given_to = {m.marker_id for m in marks}
    assert markers[0].pk not in given_to and assessor.pk not in given_to
    for item in attempt.items.exclude(written=""):
        assert sorted(m.role for m in item.marks.all()) == ["first", "second"]


def test_close_marks_are_averaged_far_ones_go_to_a_third_and_the_result_is_released(
    blueprints: tuple[Blueprint, Blueprint], application: Application, markers: list[User]
) -> None:
    attempt = _written_submitted(application)
    one, two = attempt.items.exclude(written="").order_by("position")

    def mark(item: AttemptItem, role: str, points: list[int]) -> None:
        given = item.marks.get(role=role)
        assert given.marker is not None
        mark_submit(mark=given, actor=given.marker, points=points, comment="Clear thinking about the baby.")

    mark(one, "first", [7, 6])  # 13
    mark(one, "second", [8, 8])  # 16: within 4, so 14.5
    one.refresh_from_db()
    assert one.mark == Decimal("14.50")
    mark(two, "first", [3, 3])  # 6
    mark(two, "second", [9, 8])  # 17: 11 apart, a third marker decides
    third = two.marks.get(role="third")
    assert third.marker_id not in {m.marker_id for m in two.marks.exclude(role="third")}
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.SUBMITTED
    mark(two, "third", [6, 6])  # 12 stands
    attempt.refresh_from_db()
    # (14.5/20 + 12/20) / 2 = 66.25%: passes 60%.
    assert (attempt.status, attempt.score, attempt.out_of, attempt.passed) == (
        Attempt.Status.RELEASED,
        Decimal("66.25"),
        100,
        True,
    )


def test_a_marker_cannot_mark_what_is_not_theirs_nor_outside_the_rubric(
    blueprints: tuple[Blueprint, Blueprint], application: Application, markers: list[User], registrar: User
) -> None:
    attempt = _written_submitted(application)
    given = WrittenMark.objects.filter(item__attempt=attempt).first()
    assert given is not None and given.marker is not None
    with pytest.raises(ExamError, match="not given to you"):
        mark_submit(mark=given, actor=registrar, points=[5, 5], comment="x")
    with pytest.raises(ExamError, match="from 0 to 10"):
        mark_submit(mark=given, actor=given.marker, points=[11, 5], comment="x")
    with pytest.raises(ExamError, match="every criterion"):
        mark_submit(mark=given, actor=given.marker, points=[5], comment="x")
    with pytest.raises(ExamError, match="feedback"):
        mark_submit(mark=given, actor=given.marker, points=[5, 5], comment="  ")
    given.refresh_from_db()
    assert given.submitted_at is None


def test_answers_wait_for_markers_and_the_daily_job_finds_them(
    blueprints: tuple[Blueprint, Blueprint], application: Application
) -> None:
    attempt = _written_submitted(application)  # only the assigned assessor exists: nobody is free
    assert not WrittenMark.objects.filter(item__attempt=attempt).exists()
    assert markers_missing_assign() == 0
    for n in range(2):
        make_person(f"late{n}@example.org", Role.ASSESSOR)
    assert markers_missing_assign() == 2
    assert WrittenMark.objects.filter(item__attempt=attempt).count() == 4
    assert markers_missing_assign() == 0


# The endorsement guard -------------------------------------------------------------------


def test_a_level_with_the_exam_cannot_be_endorsed_until_both_parts_are_passed(
    blueprints: tuple[Blueprint, Blueprint], application: Application, registrar: User
) -> None:
    Application.objects.filter(pk=application.pk).update(state=State.MODERATED, moderation_recommendation="endorse")
    application.refresh_from_db()
    with pytest.raises(WorkflowError, match="requires the exam"):
        decision_check(application=application, actor=registrar, decision="endorse", reason="Strong portfolio.")
    now = timezone.now()
    for part in (Part.MULTIPLE_CHOICE, Part.WRITTEN):
        Attempt.objects.create(
            candidate=application.practitioner,
            application=application,
            level="intervention",
            part=part,
            number=1,
            seed="s",
            minutes=90,
            pass_mark_percent=80,
            started_at=now,
            deadline=now,
            status=Attempt.Status.RELEASED,
            passed=True,
            released_at=now,
        )
        assert exam_passed(application.practitioner_id, "intervention") is (part == Part.WRITTEN)
    assert decision_check(application=application, actor=registrar, decision="endorse", reason="Strong portfolio.")


def test_the_candidate_is_emailed_when_the_result_is_released(
    blueprints: tuple[Blueprint, Blueprint],
    application: Application,
    practitioner: User,
    django_capture_on_commit_callbacks,
    mailoutbox,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        attempt_submit(attempt=_started(application), actor=practitioner)
    (sent,) = mailoutbox
    assert sent.to == [practitioner.email]
    assert sent.subject == "Your exam result: Part 1: multiple choice"
    released = Attempt.objects.get()
    assert f"/exam/attempt/{released.pk}/result/" in sent.body
    assert "you did not pass this time" in sent.body
    retake = (timezone.localdate() + timedelta(days=30)).strftime("%-d %B %Y")
    assert f"You may sit this part again from {retake}." in sent.body


def test_an_id_or_position_no_row_can_have_is_not_found(
    blueprints: tuple[Blueprint, Blueprint], application: Application, practitioner: User
) -> None:
    attempt = _started(application)
    with pytest.raises(ExamError, match="no such question"):
        answer_save(attempt=attempt, actor=practitioner, position=2**63, choice=0)
    with pytest.raises(ExamError, match="not your attempt"):
        answer_save(attempt=2**63, actor=practitioner, position=1, choice=0)


def test_passing_part_1_alone_is_not_passing_the_exam(bank: None, application: Application, registrar: User) -> None:
    blueprint_save(level="intervention", part=Part.MULTIPLE_CHOICE, values=part1_values(), actor=registrar)
    now = timezone.now()
    Attempt.objects.create(
        candidate=application.practitioner, application=application, level="intervention",
        part=Part.MULTIPLE_CHOICE, number=1, seed="s", minutes=90, pass_mark_percent=80, started_at=now,
        deadline=now, status=Attempt.Status.RELEASED, passed=True, released_at=now,
    )  # fmt: skip
    assert exam_passed(application.practitioner_id, "intervention") is False


def test_an_answer_whose_marker_has_gone_goes_to_another(
    blueprints: tuple[Blueprint, Blueprint], application: Application, markers: list[User]
) -> None:
    attempt = _written_submitted(application)
    gone = WrittenMark.objects.filter(item__attempt=attempt, role="first").select_related("marker").first()
    assert gone is not None and gone.marker is not None
    User.objects.filter(pk=gone.marker.pk).update(is_active=False)
    assert markers_missing_assign() == 1
    again = WrittenMark.objects.get(item=gone.item, role="first")
    assert again.marker_id != gone.marker.pk and again.marker is not None and again.marker.is_active
    assert markers_missing_assign() == 0


def test_a_file_nested_too_deep_or_a_level_without_the_exam_imports_nothing(registrar: User) -> None:
    deep = b'{"format": "nurture-exam-bank", "version": 1, "questions": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    assert [str(p) for p in bank_import(deep, actor=registrar).problems] == [
        "The file: it is nested far deeper than a bank file is"
    ]
    refused = bank_import(bank_content(mcq("mcq-promo", level="promotion")), actor=registrar)
    assert "promotion" in str(refused.problems[0]) and not Question.objects.exists()
