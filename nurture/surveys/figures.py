"""The figures a report's text quotes, read from the text: plain functions, no Django.

A figure is written as a link, `[75%](public:IMPORTANT=1)`: the percentage as the text
says it, then the sample's code, the question's code and the option codes it counts
(several together with commas: `=4,5` for "disagree" and "strongly disagree"). The page
shows the percentage as a link to that question's table for that sample, and publication
checks that the number equals the estimate computed then (`whole_percent`).

`summary_read(text)` splits the text into paragraphs (at blank lines) of pieces, plain
text or a figure, and lists the problems it can see without the data: a link that is not
a figure, a figure written other than as a whole percentage, a reference that is not
`sample:QUESTION=options`, and a percentage written in the text without being a linked
figure. Each problem is a sentence naming the paragraph, for the coordinator.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

# A link as written: [text](target), on one line, of a sensible length.
_LINK = re.compile(r"\[([^\[\]\n]{0,60})\]\(([^()\n]{0,200})\)")
_NUMBER = re.compile(r"\s*(\d{1,3})\s*%\s*")
_REFERENCE = re.compile(
    r"\s*(?P<sample>[A-Za-z0-9_-]+)\s*:\s*(?P<question>[^\s=:,]+)\s*=\s*(?P<options>[^\s,=]+(?:\s*,\s*[^\s,=]+)*)\s*"
)
# A percentage written in plain text: 45%, 45 %, 12.5%, 45 per cent, 45 percent.
_PERCENTAGE = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)?\s?(?:%|per\s?cent\b|percent\b)", re.IGNORECASE)
_BLANK_LINE = re.compile(r"\n[ \t]*\n")

EXAMPLE = "[75%](public:IMPORTANT=1)"


def whole_percent(share: float) -> int:
    """A share (0 … 1) as the whole percentage a report prints: halves round up."""
    return math.floor(share * 100 + 0.5)


def one_decimal(share: float) -> float:
    """A share (0 … 1) as a percentage to one decimal place, halves rounding up."""
    return math.floor(share * 1000 + 0.5) / 10


@dataclass(frozen=True)
class Reference:
    sample: str
    question: str
    options: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.sample}:{self.question}={','.join(self.options)}"


@dataclass(frozen=True)
class Piece:
    """Plain text, or a figure (`reference` set) whose text is the percentage as written."""

    text: str
    number: int | None = None
    reference: Reference | None = None
    written: str = ""  # the whole link as typed, to name it in a problem

    @property
    def is_figure(self) -> bool:
        return self.reference is not None


@dataclass(frozen=True)
class Paragraph:
    number: int  # from 1, as the coordinator counts them
    pieces: tuple[Piece, ...]

    @property
    def figures(self) -> list[Piece]:
        return [p for p in self.pieces if p.is_figure]


@dataclass(frozen=True)
class Summary:
    paragraphs: tuple[Paragraph, ...]
    problems: tuple[str, ...]

    @property
    def figures(self) -> list[tuple[Paragraph, Piece]]:
        return [(paragraph, piece) for paragraph in self.paragraphs for piece in paragraph.figures]


def _shown(text: str, most: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= most else text[: most - 1] + "…"


def paragraphs_of(text: str) -> list[str]:
    """The text's paragraphs: separated by a blank line, each on one line."""
    normal = text.replace("\r\n", "\n").replace("\r", "\n")
    return [" ".join(block.split()) for block in _BLANK_LINE.split(normal) if block.strip()]


def reference_read(target: str) -> Reference | None:
    found = _REFERENCE.fullmatch(target)
    if found is None:
        return None
    options = tuple(code.strip() for code in found["options"].split(","))
    return Reference(found["sample"], found["question"], options)


def _paragraph_read(number: int, text: str, problems: list[str]) -> Paragraph:
    pieces: list[Piece] = []
    place = 0
    for link in _LINK.finditer(text):
        if link.start() > place:
            pieces.append(Piece(text[place : link.start()]))
        place = link.end()
        written = link.group(0)
        value = _NUMBER.fullmatch(link.group(1))
        reference = reference_read(link.group(2))
        where = f"“{_shown(written)}” in paragraph {number}"
        if value is None:
            problems.append(
                f"{where}: only figures are linked, and a figure's text is a whole percentage, such as {EXAMPLE}."
            )
        elif reference is None:
            problems.append(
                f"{where}: a figure names the sample, the question and the options it counts, "
                f"as sample:QUESTION=option (for example {EXAMPLE})."
            )
        elif len(set(reference.options)) != len(reference.options):
            problems.append(f"{where}: an option is named twice.")
        if value is None or reference is None:
            pieces.append(Piece(written, written=written))
            continue
        pieces.append(Piece(f"{int(value[1])}%", number=int(value[1]), reference=reference, written=written))
    if place < len(text):
        pieces.append(Piece(text[place:]))
    for piece in pieces:
        if piece.is_figure or piece.written:
            continue
        for bare in _PERCENTAGE.finditer(piece.text):
            problems.append(
                f"“{bare.group(0)}” in paragraph {number} is not linked to the result it comes from: "
                f"write it as a figure, such as {EXAMPLE}."
            )
    return Paragraph(number, tuple(_merged(pieces)))


def bare_percentages(text: str) -> list[str]:
    """The percentages written in a text that takes no figures (a title, an item's note)."""
    return [found.group(0) for found in _PERCENTAGE.finditer(text)]


def _merged(pieces: list[Piece]) -> list[Piece]:
    """Neighbouring plain pieces as one (a link refused is kept as its text)."""
    out: list[Piece] = []
    for piece in pieces:
        plain = Piece(piece.text) if not piece.is_figure else piece
        if out and not plain.is_figure and not out[-1].is_figure:
            out[-1] = Piece(out[-1].text + plain.text)
        else:
            out.append(plain)
    return out


def summary_read(text: str) -> Summary:
    problems: list[str] = []
    paragraphs = tuple(
        _paragraph_read(number, block, problems) for number, block in enumerate(paragraphs_of(text), start=1)
    )
    return Summary(paragraphs, tuple(problems))
