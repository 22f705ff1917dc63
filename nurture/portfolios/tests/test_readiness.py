"""Readiness rules, as plain functions: no database, and `today` is always passed in."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from nurture.portfolios.readiness import (
    LATER,
    MET,
    NOT_MET,
    Activity,
    Job,
    LevelRules,
    Portfolio,
    Readiness,
    Requirement,
    Session,
    counted_supervision,
    cpd_hours,
    paid_experience_months,
    readiness_for_level,
    supervision_hours,
    window_start,
)

TODAY = date(2026, 1, 15)

RULES = LevelRules(
    min_education="degree",
    training_hours=30,
    experience_months=24,
    families_served=10,
    supervision_hours=24,
    supervision_window_months=24,
    references=3,
    exam_required=True,
    competencies=("D1.1", "D1.2", "D2.1"),
)


def session(on: date, hours: str = "1", supervisor: str = "Dr Rivera", *, confirmed: bool = True, peer: bool = False):
    return Session(on, Decimal(hours), supervisor, confirmed, peer)


COMPLETE = Portfolio(
    education=("level3", "degree"),
    training=((Decimal(30), True),),
    jobs=(Job(date(2023, 1, 1), None, True, 10),),
    sessions=(
        session(date(2025, 6, 1), "13", "Dr Rivera"),
        session(date(2025, 7, 1), "11", "Sam Lee"),
    ),
    evidence_by_competency={"D1.1": 1, "D1.2": 2, "D2.1": 1},
)


def row(readiness: Readiness, key: str) -> Requirement:
    (found,) = [r for r in readiness.requirements if r.key == key]
    return found


def check(portfolio: Portfolio, rules: LevelRules = RULES, today: date = TODAY) -> Readiness:
    return readiness_for_level(rules, portfolio, today=today)


# Education --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("recorded", "minimum", "status"),
    [
        (("level3",), "degree", NOT_MET),
        (("degree",), "degree", MET),
        (("masters",), "degree", MET),
        (("doctorate",), "masters", MET),
        (("degree",), "masters", NOT_MET),
        (("level3", "masters", "degree"), "masters", MET),
        ((), "none", MET),
        ((), "level3", NOT_MET),
        (("a diploma we do not know",), "level3", NOT_MET),
    ],
)
def test_education_is_met_by_the_highest_qualification_in_order(recorded, minimum, status):
    readiness = check(replace(COMPLETE, education=recorded), replace(RULES, min_education=minimum))
    assert row(readiness, "education").status == status


# Training ---------------------------------------------------------------------------


def test_only_relationship_based_training_hours_count():
    training = ((Decimal(20), True), (Decimal(100), False), (Decimal("9.5"), True))
    hours = row(check(replace(COMPLETE, training=training)), "training")
    assert hours.have == Decimal("29.5")
    assert hours.status == NOT_MET


def test_relationship_based_training_that_reaches_the_hours_is_met():
    training = ((Decimal(20), True), (Decimal(10), True), (Decimal(5), False))
    assert row(check(replace(COMPLETE, training=training)), "training").status == MET


# Experience -------------------------------------------------------------------------


def test_a_year_of_paid_work_is_twelve_months():
    assert paid_experience_months([Job(date(2024, 1, 1), date(2024, 12, 31), True, 0)], today=TODAY) == Decimal("12.0")


def test_overlapping_jobs_are_counted_once():
    jobs = [
        Job(date(2024, 1, 1), date(2024, 6, 30), True, 0),
        Job(date(2024, 4, 1), date(2024, 12, 31), True, 0),
        Job(date(2024, 2, 1), date(2024, 3, 1), True, 0),
    ]
    assert paid_experience_months(jobs, today=TODAY) == Decimal("12.0")


def test_back_to_back_jobs_add_up():
    jobs = [Job(date(2024, 1, 1), date(2024, 6, 30), True, 0), Job(date(2024, 7, 1), date(2024, 12, 31), True, 0)]
    assert paid_experience_months(jobs, today=TODAY) == Decimal("12.0")


def test_unpaid_jobs_are_ignored():
    jobs = [Job(date(2024, 1, 1), date(2024, 12, 31), True, 0), Job(date(2022, 1, 1), date(2023, 12, 31), False, 0)]
    assert paid_experience_months(jobs, today=TODAY) == Decimal("12.0")


def test_an_open_ended_job_counts_to_today():
    job = Job(date(2024, 1, 15), None, True, 0)
    assert paid_experience_months([job], today=date(2026, 1, 14)) == Decimal("24.0")
    assert paid_experience_months([job], today=date(2025, 1, 14)) == Decimal("12.0")


def test_a_job_ending_after_today_counts_only_to_today():
    job = Job(date(2025, 1, 15), date(2027, 1, 14), True, 0)
    assert paid_experience_months([job], today=date(2026, 1, 14)) == Decimal("12.0")


def test_a_job_that_has_not_started_yet_counts_nothing():
    assert paid_experience_months([Job(date(2026, 3, 1), None, True, 0)], today=TODAY) == Decimal(0)


def test_experience_short_of_the_months_is_not_met():
    jobs = (Job(date(2025, 1, 16), None, True, 10),)
    experience = row(check(replace(COMPLETE, jobs=jobs)), "experience")
    assert experience.have == Decimal("12.0")
    assert experience.status == NOT_MET


# Families ---------------------------------------------------------------------------


def test_families_served_are_summed_across_jobs():
    jobs = (
        Job(date(2022, 1, 1), date(2023, 6, 30), True, 4),
        Job(date(2023, 7, 1), None, True, 5),
    )
    families = row(check(replace(COMPLETE, jobs=jobs)), "families")
    assert families.have == Decimal(9)
    assert families.status == NOT_MET
    more = (*jobs, Job(date(2024, 1, 1), None, True, 1))
    assert row(check(replace(COMPLETE, jobs=more)), "families").status == MET


# Supervision ------------------------------------------------------------------------


def test_the_window_starts_the_same_day_some_months_earlier():
    assert window_start(date(2026, 1, 15), 24) == date(2024, 1, 15)
    assert window_start(date(2026, 1, 15), 1) == date(2025, 12, 15)
    assert window_start(date(2024, 2, 29), 12) == date(2023, 2, 28)


def test_only_confirmed_non_peer_sessions_inside_the_window_count():
    counted = session(date(2025, 6, 1), "2")
    first_day = session(date(2024, 1, 15), "1")
    sessions = [
        counted,
        first_day,
        session(date(2024, 1, 14), "3"),  # a day before the window opens
        session(date(2025, 6, 2), "4", confirmed=False),
        session(date(2025, 6, 3), "5", peer=True),
        session(date(2026, 1, 16), "6"),  # after today
    ]
    assert counted_supervision(sessions, today=TODAY, window_months=24) == [counted, first_day]


def test_a_session_just_outside_the_window_does_not_count_at_the_end_of_a_long_month():
    # On 31 March 2026 the last 24 months began on 31 March 2024: a session on
    # 29 March 2024 is two days too old.
    too_old = session(date(2024, 3, 29), "3")
    assert counted_supervision([too_old], today=date(2026, 3, 31), window_months=24) == []
    assert window_start(date(2026, 3, 31), 24) == date(2024, 3, 31)


def test_supervision_hours_are_the_counted_sessions_with_a_note_of_what_awaits_confirmation():
    sessions = (
        session(date(2025, 6, 1), "13", "Dr Rivera"),
        session(date(2025, 7, 1), "5", "Sam Lee"),
        session(date(2025, 8, 1), "6", "Sam Lee", confirmed=False),
        session(date(2025, 9, 1), "10", "Ali Khan", peer=True),
    )
    supervision = row(check(replace(COMPLETE, sessions=sessions)), "supervision")
    assert supervision.have == Decimal(18)
    assert supervision.status == NOT_MET
    assert supervision.note == "6 more hours await your supervisor's confirmation."


def test_more_than_half_the_hours_must_come_from_one_supervisor():
    split_evenly = (session(date(2025, 6, 1), "12", "Dr Rivera"), session(date(2025, 7, 1), "12", "Sam Lee"))
    readiness = check(replace(COMPLETE, sessions=split_evenly))
    assert row(readiness, "supervision").status == MET
    assert row(readiness, "main-supervisor").status == NOT_MET
    assert not readiness.ready

    mostly_one = (session(date(2025, 6, 1), "12.5", "Dr Rivera"), session(date(2025, 7, 1), "11.5", "Sam Lee"))
    assert row(check(replace(COMPLETE, sessions=mostly_one)), "main-supervisor").status == MET


def test_the_same_supervisor_written_differently_is_one_provider():
    sessions = (session(date(2025, 6, 1), "7", "Dr Rivera"), session(date(2025, 7, 1), "7", "  dr rivera "))
    main = row(check(replace(COMPLETE, sessions=sessions)), "main-supervisor")
    assert main.have == Decimal(14)
    assert main.status == MET


def test_counted_hours_are_confirmed_non_peer_hours_inside_the_window_both_ends_included():
    declined = Session(date(2025, 6, 4), Decimal(7), "Dr Rivera", confirmed=False, peer=False, declined=True)
    sessions = [
        session(date(2025, 6, 1), "2", "Dr Rivera"),
        session(date(2024, 1, 15), "1.5", " dr rivera"),  # the window's first day
        session(date(2026, 1, 15), "1", "Sam Lee"),  # today
        session(date(2024, 1, 14), "3"),  # a day before the window opens
        session(date(2026, 1, 16), "6"),  # after today
        session(date(2025, 6, 2), "4", confirmed=False),
        session(date(2025, 6, 3), "5", peer=True),
        session(date(2025, 6, 3), "8", confirmed=False, peer=True),
        declined,
    ]
    hours = supervision_hours(sessions, today=TODAY, window_months=24)
    assert (hours.since, hours.until) == (date(2024, 1, 15), TODAY)
    assert hours.counted == Decimal("4.5")
    assert hours.awaiting == Decimal(4)
    assert hours.by_supervisor == {"dr rivera": Decimal("3.5"), "sam lee": Decimal(1)}
    assert hours.main_supervisor == Decimal("3.5")


def test_no_sessions_count_as_no_hours():
    hours = supervision_hours([], today=TODAY, window_months=12)
    assert (hours.counted, hours.awaiting, hours.main_supervisor) == (Decimal(0), Decimal(0), Decimal(0))
    assert hours.since == date(2025, 1, 15)


def test_readiness_reports_the_same_hours_as_the_counting_rule():
    sessions = (
        session(date(2025, 6, 1), "13", "Dr Rivera"),
        session(date(2023, 6, 1), "40", "Dr Rivera"),
        session(date(2025, 8, 1), "6", "Sam Lee", confirmed=False),
        session(date(2025, 9, 1), "10", "Ali Khan", peer=True),
    )
    hours = supervision_hours(sessions, today=TODAY, window_months=RULES.supervision_window_months)
    readiness = check(replace(COMPLETE, sessions=sessions))
    assert row(readiness, "supervision").have == hours.counted == Decimal(13)
    assert row(readiness, "main-supervisor").have == hours.main_supervisor == Decimal(13)


def test_cpd_hours_are_those_inside_the_window_both_ends_included():
    activities = [
        Activity(date(2025, 1, 15), Decimal("2.5")),  # the window's first day
        Activity(date(2025, 9, 1), Decimal(6)),
        Activity(TODAY, Decimal(1)),
        Activity(date(2025, 1, 14), Decimal(50)),  # a day too old
        Activity(date(2026, 1, 16), Decimal(9)),  # after today
    ]
    assert cpd_hours(activities, today=TODAY, window_months=12) == Decimal("9.5")
    assert cpd_hours([], today=TODAY, window_months=12) == 0


def test_a_level_without_supervision_has_no_supervision_rows():
    readiness = check(replace(COMPLETE, sessions=()), replace(RULES, supervision_hours=0))
    keys = [r.key for r in readiness.requirements]
    assert "supervision" not in keys
    assert "main-supervisor" not in keys
    assert readiness.ready


# Evidence ---------------------------------------------------------------------------


def test_evidence_coverage_lists_the_competencies_without_evidence_in_level_order():
    readiness = check(replace(COMPLETE, evidence_by_competency={"D1.2": 1, "D1.1": 0, "D9.9": 4}))
    evidence = row(readiness, "evidence")
    assert (evidence.have, evidence.need, evidence.status) == (Decimal(1), Decimal(3), NOT_MET)
    assert readiness.missing_competencies == ("D1.1", "D2.1")


# References, the exam, and the whole ----------------------------------------------


def test_references_and_the_exam_come_later_and_never_block_readiness():
    readiness = check(COMPLETE)
    references, exam = row(readiness, "references"), row(readiness, "exam")
    assert (references.status, references.need) == (LATER, Decimal(3))
    assert exam.status == LATER
    assert references.after_applying and exam.after_applying and not references.met
    assert not any(r.after_applying for r in readiness.requirements if r.key not in ("references", "exam"))
    assert references not in readiness.missing
    assert exam not in readiness.missing
    assert readiness.ready


def test_a_level_without_an_exam_has_no_exam_row():
    readiness = check(COMPLETE, replace(RULES, exam_required=False))
    assert "exam" not in [r.key for r in readiness.requirements]


def test_a_complete_portfolio_is_ready_with_nothing_missing():
    readiness = check(COMPLETE)
    assert readiness.ready
    assert readiness.missing == ()
    assert readiness.missing_competencies == ()
    assert all(r.status in (MET, LATER) for r in readiness.requirements)


def test_an_empty_portfolio_is_missing_every_counted_requirement():
    readiness = check(Portfolio())
    assert not readiness.ready
    assert [r.key for r in readiness.missing] == [
        "education",
        "training",
        "experience",
        "families",
        "supervision",
        "main-supervisor",
        "evidence",
    ]
    assert readiness.missing_competencies == RULES.competencies


def test_percent_is_the_share_done_capped_at_a_hundred():
    twice_over = ((Decimal(200), True),)
    assert row(check(replace(COMPLETE, training=twice_over)), "training").percent == 100
    half = ((Decimal(15), True),)
    assert row(check(replace(COMPLETE, training=half)), "training").percent == 50
    nothing_needed = Requirement("x", "Nothing", Decimal(0), Decimal(0), "hours", MET)
    assert nothing_needed.percent == 100
