"""Weighting a national survey at scale: raking and estimates, against svy in the same run.

    python -m bench.raking [--responses 1000000] [--questions 20] [--rounds 3]

What it does, all on this machine:
1. Draws `--responses` synthetic respondents (seeded, so every run has the same data) with
   four margins, as a UK adult sample is weighted: age band (6), sex (2), region (12) and
   education (4), each drawn away from its population shares so that raking has work to
   do, and `--questions` yes/no answers that lean on the margins.
2. In a process of its own, rakes them to the population shares and estimates every
   question's weighted percentage with its standard error, 95 % Korn–Graubard interval and
   design effect, with Nurture's engine (`nurture.surveys.weighting`); then the same with
   svy (the maintained successor of samplics; compiled raking core, polars frames), in a
   process of its own too, one question at a time (svy's batched call leaves the raking
   out of its standard errors; its single call allows for it, as Nurture does). Each side
   runs `--rounds` times, the two taking turns so the machine's other work falls on both;
   the best round of each is compared. Data drawing is not timed. Peak memory is each
   process's maximum resident set (getrusage). Raking alone is timed and printed too.
3. Compares the two sides' weights (each scaled to mean 1): the largest relative
   difference, and the largest difference in an estimate or interval end.

The last line is `raking: ratio=R max_weight_diff=D` with R = svy's seconds ÷ Nurture's
(above 1 is faster than svy) and D the largest relative difference in weights.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

MARGINS = {
    "age": [0.11, 0.16, 0.17, 0.16, 0.17, 0.23],
    "sex": [0.49, 0.51],
    "region": [0.04, 0.11, 0.08, 0.07, 0.09, 0.09, 0.13, 0.14, 0.08, 0.05, 0.08, 0.04],
    "education": [0.22, 0.29, 0.18, 0.31],
}
TOLERANCE = 1e-10
RAKED_AT: list[float] = []  # when raking ended, in the side's process


def draw(responses: int, questions: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(14)
    data: dict[str, np.ndarray] = {}
    for name, shares in MARGINS.items():
        skewed = np.array(shares) * rng.uniform(0.6, 1.4, len(shares))
        data[name] = rng.choice(len(shares), responses, p=skewed / skewed.sum()).astype(np.int64)
    for q in range(questions):
        lean = 0.15 + 0.6 * rng.random() + 0.03 * (data["age"] - 2.5) + 0.05 * data["sex"]
        data[f"q{q}"] = (rng.random(responses) < np.clip(lean, 0.01, 0.99)).astype(np.int64)
    return data


def run_ours(data: dict[str, np.ndarray], questions: int) -> tuple[np.ndarray, list[list[float]]]:
    from nurture.surveys.weighting import Margin, proportion, rake

    margins = [
        Margin(name, data[name], np.array(shares), [str(i) for i in range(len(shares))])
        for name, shares in MARGINS.items()
    ]
    raked = rake(np.ones(len(data["sex"])), margins, tolerance=TOLERANCE)
    RAKED_AT.append(time.perf_counter())
    rows = []
    for q in range(questions):
        e = proportion(data[f"q{q}"] == 1, raked.weights, raked=raked, method="korn-graubard")
        rows.append([e.share, e.standard_error, e.low, e.high, e.design_effect])
    return raked.weights, rows


def run_svy(data: dict[str, np.ndarray], questions: int) -> tuple[np.ndarray, list[list[float]]]:
    import polars as pl
    import svy

    n = len(data["sex"])
    sample = svy.Sample(pl.DataFrame({**data, "w": np.ones(n)}), svy.Design(wgt="w"))
    shares: Any = {name: dict(enumerate(values)) for name, values in MARGINS.items()}
    raked = sample.weighting.rake(shares=shares, tol=TOLERANCE, max_iter=1000)
    RAKED_AT.append(time.perf_counter())
    frame: Any = raked.data
    weights = np.asarray(frame["rk_wgt"])
    rows = []
    # One question at a time: svy's batched call (a list of columns) leaves the raking out
    # of the standard errors, its single call allows for it, as Nurture does.
    for q in range(questions):
        found: Any = raked.estimation.prop(f"q{q}", ci_method="korn-graubard", deff="wr")
        (yes,) = [r for r in found.to_dicts() if r["y_level"] == 1]
        rows.append([yes["est"], yes["se"], yes["lci"], yes["uci"], yes["deff"]])
    return weights * (n / weights.sum()), rows


def side(which: str, responses: int, questions: int, out: Path) -> None:
    """One side's timed run, in this process; writes its weights, estimates and figures."""
    data = draw(responses, questions)
    started = time.perf_counter()
    weights, rows = (run_ours if which == "ours" else run_svy)(data, questions)
    seconds = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    np.save(out.with_suffix(".npy"), weights)
    raking = RAKED_AT[0] - started
    out.write_text(json.dumps({"seconds": seconds, "raking": raking, "peak_mib": peak_kib / 1024, "rows": rows}))


def measured(which: str, responses: int, questions: int, folder: Path) -> dict[str, Any]:
    out = folder / f"{which}.json"
    subprocess.run(
        [sys.executable, "-m", "bench.raking", "--side", which, "--responses", str(responses),
         "--questions", str(questions), "--out", str(out)],
        check=True,
    )  # fmt: skip
    result: dict[str, Any] = json.loads(out.read_text())
    result["weights"] = np.load(out.with_suffix(".npy"))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--questions", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--side", choices=["ours", "svy"], help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.side:
        side(args.side, args.responses, args.questions, args.out)
        return
    print(
        f"Raking {args.responses:,} responses over {len(MARGINS)} margins "
        f"({', '.join(f'{k} {len(v)}' for k, v in MARGINS.items())}) and estimating {args.questions} questions, "
        f"{args.rounds} rounds each, taking turns …",
        flush=True,
    )
    best: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory() as folder:
        for round_ in range(1, args.rounds + 1):
            for which in ("ours", "svy"):
                result = measured(which, args.responses, args.questions, Path(folder))
                print(
                    f"  round {round_}: {which:4} {result['seconds']:6.2f} s (raking {result['raking']:5.2f} s), "
                    f"peak {result['peak_mib']:7.0f} MiB"
                )
                if which not in best or result["seconds"] < best[which]["seconds"]:
                    best[which] = result
    ours, theirs = best["ours"], best["svy"]
    weight_diff = float(np.max(np.abs(ours["weights"] - theirs["weights"]) / theirs["weights"]))
    estimate_diff = float(np.max(np.abs(np.array(ours["rows"]) - np.array(theirs["rows"]))))
    ratio = theirs["seconds"] / ours["seconds"]
    for name, result in (("Nurture", ours), ("svy", theirs)):
        print(
            f"{name + ':':8} {result['seconds']:.2f} s in all (raking {result['raking']:.2f} s, {args.questions} "
            f"estimates {result['seconds'] - result['raking']:.2f} s), peak {result['peak_mib']:.0f} MiB"
        )
    print(f"Raking alone, svy's time ÷ Nurture's: {theirs['raking'] / ours['raking']:.2f}")
    print(f"svy's time ÷ Nurture's: {ratio:.2f} (at least 1 is as fast as svy)")
    print(f"Largest relative difference in weights: {weight_diff:.2e}; in an estimate, SE, interval end or deff: "
          f"{estimate_diff:.2e}")  # fmt: skip
    print(f"raking: ratio={ratio:.3f} max_weight_diff={weight_diff:.3e}")


if __name__ == "__main__":
    main()
