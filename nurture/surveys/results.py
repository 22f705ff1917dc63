"""Reads of weighted results: a sample's respondents with their weights (from the last
weighting run done), and each question's estimates as typed values. Reports, the
aggregate CSV and the API all read their figures here, so a figure has one home.

- A representative sample is reported with the weights of its last run done, only for
  the respondents that run weighted, and with standard errors that allow for the raking.
- An opt-in sample is reported unweighted and without a margin of error: the interval is
  still computed but `margin_of_error` is False, and the page says why.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from nurture.surveys import questionnaire as rules
from nurture.surveys import weighting
from nurture.surveys.models import Question, Response, RunStatus, Sample, Target, WeightingRun

METHOD = "korn-graubard"


@dataclass(frozen=True)
class Respondents:
    """A sample's completed responses as estimates use them, in id order."""

    sample: Sample
    ids: list[int]
    answers: list[dict[str, Any]]
    weights: weighting.Floats
    raked: weighting.Raked | None  # None: unweighted (opt-in, or not weighted yet)
    run: WeightingRun | None
    not_weighted: int  # completed responses that came after the run (left out of results)


def last_run(sample: Sample, *, with_weights: bool = True) -> WeightingRun | None:
    runs = sample.weighting_runs.filter(status=RunStatus.DONE).order_by("-finished_at", "-id")
    return (runs if with_weights else runs.defer("response_ids", "weights")).first()


def margin_codes(targets: list[dict[str, Any]], answers: list[dict[str, Any]]) -> list[weighting.Margin]:
    """The margins of a run's targets (as stored in `WeightingRun.targets_used`), each
    respondent's category by position in the target's keys. A respondent whose answer has
    no target raises a RakingError naming the question."""
    margins = []
    for target in targets:
        keys = list(target["shares"])
        place = {key: i for i, key in enumerate(keys)}
        codes = np.empty(len(answers), dtype=np.int64)
        for i, given in enumerate(answers):
            key = _key(given, target["question"], target.get("crossed_with") or "")
            if key not in place:
                shown = key or "no answer"
                raise weighting.RakingError(
                    f"A respondent's answer to {target['label']} ({shown}) has no target: give it a share "
                    "(0 is allowed only if nobody is in it) or merge it with a neighbouring category."
                )
            codes[i] = place[key]
        margins.append(
            weighting.Margin(
                name=target["label"],
                codes=codes,
                # Shares entered as thirds (33.333 × 3) are taken as the proportions they mean.
                targets=_proportions([float(target["shares"][k]) for k in keys]),
                labels=[target.get("names", {}).get(k, k) for k in keys],
            )
        )
    return margins


def _proportions(shares: list[float]) -> weighting.Floats:
    values = np.array(shares, dtype=np.float64)
    total = values.sum()
    return values / total if total > 0 else values


def _key(answers: dict[str, Any], code: str, crossed: str) -> str:
    first = answers.get(code)
    if not crossed:
        return str(first) if isinstance(first, str) else ""
    second = answers.get(crossed)
    if not isinstance(first, str) or not isinstance(second, str):
        return ""
    return f"{first}|{second}"


def targets_as_used(sample: Sample) -> list[dict[str, Any]]:
    rows = Target.objects.filter(sample=sample).select_related("question", "crossed_with").order_by("id")
    out = []
    for t in rows:
        label = t.question.code if t.crossed_with is None else f"{t.question.code} × {t.crossed_with.code}"
        first, second = t.question.labels, t.crossed_with.labels if t.crossed_with else {}
        names = {
            key: " × ".join((first if i == 0 else second).get(part, part) for i, part in enumerate(key.split("|")))
            for key in t.shares
        }
        out.append(
            {
                "label": label,
                "question": t.question.code,
                "crossed_with": t.crossed_with.code if t.crossed_with else "",
                "shares": {k: str(v) for k, v in t.shares.items()},
                "source": t.source,
                "names": names,
            }
        )
    return out


def respondents(sample: Sample) -> Respondents:
    completed = Response.objects.filter(sample=sample, completed_at__isnull=False).order_by("id")
    rows = list(completed.values_list("id", "answers"))
    run = None if sample.is_opt_in else last_run(sample)
    if run is None:
        ids = [r[0] for r in rows]
        return Respondents(sample, ids, [r[1] for r in rows], np.ones(len(ids)), None, None, 0)
    run_ids = np.frombuffer(bytes(run.response_ids), dtype=np.int64)
    run_weights = np.frombuffer(bytes(run.weights), dtype=np.float64)
    weight_of = dict(zip(run_ids.tolist(), run_weights.tolist(), strict=True))
    kept = [r for r in rows if r[0] in weight_of]
    answers = [r[1] for r in kept]
    weights = np.array([weight_of[r[0]] for r in kept], dtype=np.float64)
    margins = tuple(margin_codes(run.targets_used, answers)) if kept else ()
    raked = weighting.Raked(weights, run.iterations, run.largest_gap or 0.0, np.ones(len(kept)), margins)
    return Respondents(sample, [r[0] for r in kept], answers, weights, raked, run, len(rows) - len(kept))


@dataclass(frozen=True)
class OptionResult:
    code: str
    label: str
    count: int  # unweighted respondents who gave it
    estimate: weighting.Estimate

    @property
    def percent(self) -> float:
        return self.estimate.share * 100


@dataclass(frozen=True)
class QuestionResult:
    question: Question
    sample: Sample
    base: int  # unweighted: respondents who answered
    weighted_base: float
    options: list[OptionResult]
    weighted: bool
    margin_of_error: bool  # False for an opt-in sample: no interval is published

    def share_of(self, codes: list[str]) -> OptionResult | None:
        """Several options counted together (e.g. agree + strongly agree)."""
        found = [o for o in self.options if o.code in codes]
        return found[0] if len(found) == 1 and len(codes) == 1 else None


def _picked(value: Any) -> set[str]:
    if isinstance(value, list):
        return {str(v) for v in value}
    if isinstance(value, str) and value.strip():
        return {value}
    return set()


def estimate_codes(people: Respondents, question: Question, codes: list[str]) -> tuple[weighting.Estimate, int] | None:
    """The weighted share of those who answered `question` who gave any of `codes`, with the
    unweighted count who did; None when nobody answered it."""
    picked = [_picked(a.get(question.code)) for a in people.answers]
    mask = np.array([bool(p) for p in picked], dtype=np.bool_)
    if not mask.any():
        return None
    wanted = set(codes)
    hit = np.array([bool(p & wanted) for p in picked], dtype=np.bool_)
    estimate = weighting.proportion(hit, people.weights, raked=people.raked, method=METHOD, domain=mask)
    return estimate, int(hit.sum())


def question_result(people: Respondents, question: Question) -> QuestionResult | None:
    """Each option's weighted share among those who answered the question."""
    if question.kind not in (rules.Kind.SINGLE, rules.Kind.MULTIPLE, rules.Kind.LIKERT):
        return None
    picked = [_picked(a.get(question.code)) for a in people.answers]
    mask = np.array([bool(p) for p in picked], dtype=np.bool_)
    base = int(mask.sum())
    if base == 0:
        return QuestionResult(question, people.sample, 0, 0.0, [], people.raked is not None, False)
    # Those who answered are a domain of the sample (a routed or optional question): the
    # whole sample stays in the design, as svy's `where=` does (tests/test_against_svy.py).
    options = []
    for code, label in question.labels.items():
        hit = np.array([code in p for p in picked], dtype=np.bool_)
        estimate = weighting.proportion(hit, people.weights, raked=people.raked, method=METHOD, domain=mask)
        options.append(OptionResult(code, label, int(hit.sum()), estimate))
    return QuestionResult(
        question,
        people.sample,
        base,
        float(people.weights[mask].sum()),
        options,
        people.raked is not None,
        not people.sample.is_opt_in,
    )
