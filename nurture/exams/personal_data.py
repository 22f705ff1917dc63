"""The exam's part of a person's data: their attempts and answers, the extra time granted
to them, and the marks they gave as a marker (without whose answers they were: marking is
blind, and the candidates' answers are theirs, not the marker's).

Erasing deletes their attempts, answers and accommodations. Marks they gave stay with the
answers they marked (another candidate's result rests on them), without their name: the
marker is set to null when the account goes.
"""

from __future__ import annotations

from nurture.core.personal_data import DataSubject, Erased, ExportSection, rows
from nurture.exams.models import Accommodation, Attempt, AttemptItem, WrittenMark


def personal_data_of(subject: DataSubject) -> list[ExportSection]:
    attempts = rows(
        Attempt.objects.filter(candidate=subject.user).order_by("started_at", "pk"),
        "id",
        "level",
        "part",
        "number",
        "started_at",
        "deadline",
        "extra_minutes",
        "status",
        "submitted_at",
        "score",
        "out_of",
        "passed",
        "released_at",
    )
    answers = [
        {
            "attempt": item.attempt_id,
            "position": item.position,
            "question": item.version.question.key,
            "chosen_option": item.version.options[item.chosen] if item.chosen is not None else "",
            "written": item.written,
            "answered_at": item.answered_at.isoformat() if item.answered_at else "",
        }
        for item in AttemptItem.objects.filter(attempt__candidate=subject.user)
        .select_related("version__question")
        .order_by("attempt_id", "position")
    ]
    extra = rows(
        Accommodation.objects.filter(candidate=subject.user).order_by("pk"), "level", "extra_minutes", "reason"
    )
    marks = rows(
        WrittenMark.objects.filter(marker=subject.user).order_by("assigned_at", "pk"),
        "role",
        "total",
        "comment",
        "assigned_at",
        "submitted_at",
    )
    return [
        ExportSection("exams/attempts", "Your exam attempts and results.", attempts),
        ExportSection("exams/answers", "Your answers, question by question.", answers),
        ExportSection("exams/extra_time", "Extra time granted to you for the exam.", extra),
        ExportSection("exams/marks_given", "Marks you gave as an exam marker (answers are anonymous).", marks),
    ]


def personal_data_erase(subject: DataSubject) -> Erased:
    items = AttemptItem.objects.filter(attempt__candidate=subject.user)
    counts = {
        "exam marks on their answers": WrittenMark.objects.filter(item__in=items).delete()[0],
        "exam answers": items.delete()[0],
        "exam attempts": Attempt.objects.filter(candidate=subject.user).delete()[0],
        "exam accommodations": Accommodation.objects.filter(candidate=subject.user).delete()[0],
    }
    return Erased(counts={kind: n for kind, n in counts.items() if n})
