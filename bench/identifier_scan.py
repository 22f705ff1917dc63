"""The identifier scan on hostile text, against one plain regular-expression pass.

    python -m bench.identifier_scan [--repeat 3]

What it does, in this process, no database:
1. Writes 10 KB, 100 KB and 1 MB of each kind of text an attacker (or a very long
   piece of evidence) could paste into a portfolio: one run of digits, valid NHS
   numbers, near-miss NHS numbers (wrong check digit), dates of birth next to their
   cue, birth cues with no date, dates with no cue, full postcodes, phone numbers,
   and ordinary prose with every kind mixed in.
2. Times `identifiers_find` on each (the least processor time of `--repeat` scans,
   so that other programs on a shared machine are not counted), checks that it found what
   the text holds (the number of findings each kind of text is built to contain),
   and times the reference on the same text in the same run.

The reference is one plain pass of `re.finditer(r"\\d", text)` over the same text,
consumed to the end: the least work any scan that reads every character and looks at
every digit can do in Python's `re`, measured on this machine at this moment, so the
ratio does not depend on how fast the machine is. The scan makes several such passes
(one per kind) plus a little Python per match, so a ratio near 0.1-0.3 is what a
linear scan gives; a scan whose work grows with the square of the findings falls by
a factor of ten from 100 KB to 1 MB.

Prints the time for each kind and size; the last line is `identifier_scan: ratio=R
slowest_1mb_seconds=S` where R is the lowest (reference time ÷ scan time) over every
kind at 1 MB (higher is better) and S the slowest 1 MB scan.
"""

from __future__ import annotations

import argparse
import functools
import re
import time
from collections.abc import Callable
from datetime import date

from nurture.portfolios.identifiers import identifiers_find

TODAY = date(2026, 1, 15)
SIZES = (10_000, 100_000, 1_000_000)


def repeated(unit: str, size: int) -> str:
    """`unit` again and again, cut to `size` characters at a whole unit."""
    return unit * (size // len(unit))


# Each kind: (what the text is built from, how many findings one unit holds).
KINDS: dict[str, tuple[str, int]] = {
    "digits": ("7" * 1000, 0),
    "nhs-numbers": ("9434765919 ", 1),
    "near-miss-nhs": ("943 476 5918 ", 0),
    "dates-of-birth": ("DOB 12/03/2025. ", 1),
    "birth-cues": ("born dob date of birth birthday ", 0),
    "dates-no-cue": ("12/03/2025 12 March 2025 2025-03-12 ", 0),
    "postcodes": ("SW1A 1AA ", 1),
    "phones": ("07700 900123 ", 1),
    "prose-mixed": (
        "We met at the family centre; mum said the baby was born 12/03/2025 and gave "
        "NHS 943 476 5919, tel 07700 900123, at SW1A 1AA. The visit went well.\n",
        4,
    ),
}


def best_of(repeat: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        started = time.process_time()
        work()
        times.append(time.process_time() - started)
    return min(times)


def reference_pass(text: str) -> int:
    return sum(1 for _ in re.finditer(r"\d", text))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    ratios: list[float] = []
    slowest = 0.0
    print(f"{'kind':<16} {'size':>9} {'findings':>9} {'scan s':>9} {'ref s':>9} {'ratio':>7}")
    for kind, (unit, per_unit) in KINDS.items():
        for size in SIZES:
            text = repeated(unit, size)
            findings = identifiers_find(text, today=TODAY)
            expected = per_unit * (len(text) // len(unit))
            if len(findings) != expected:
                raise SystemExit(f"{kind} at {size:,}: found {len(findings)}, the text holds {expected}")
            ours = best_of(args.repeat, functools.partial(identifiers_find, text, today=TODAY))
            reference = best_of(args.repeat, functools.partial(reference_pass, text))
            ratio = reference / ours
            print(f"{kind:<16} {size:>9,} {len(findings):>9,} {ours:>9.4f} {reference:>9.4f} {ratio:>7.3f}", flush=True)
            if size == SIZES[-1]:
                ratios.append(ratio)
                slowest = max(slowest, ours)
    print(f"identifier_scan: ratio={min(ratios):.3f} slowest_1mb_seconds={slowest:.3f}")


if __name__ == "__main__":
    main()
