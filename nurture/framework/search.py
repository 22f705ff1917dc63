"""Searching the framework's words: plain functions over text, no database.

A search is up to eight words; a competency matches when every word is found, ignoring
case and accents, in its code, name or description or in one of its indicators. The
parts of each text that matched are marked so that a page can highlight them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

MAX_WORDS = 8


def folded(text: str) -> str:
    """Lower case without accents, one character for one character (so that places
    found in the folded text are places in the original)."""
    return "".join(_fold_char(c) for c in text)


def _fold_char(char: str) -> str:
    base = unicodedata.normalize("NFKD", char)[:1] or char
    low = base.casefold()
    return low if len(low) == 1 else char.lower()[:1] or char


def search_words(q: str) -> list[str]:
    """The distinct words of a search, folded; punctuation splits words."""
    words = [w for w in re.split(r"[^\w.]+", folded(q)) if w.strip(".")]
    return list(dict.fromkeys(w.strip(".") for w in words))[:MAX_WORDS]


@dataclass(frozen=True)
class Piece:
    """A run of text, marked when it is one of the searched words."""

    text: str
    marked: bool = False


def marked(text: str, words: Iterable[str]) -> list[Piece]:
    """`text` cut into pieces, every place a word occurs marked."""
    spans: list[tuple[int, int]] = []
    haystack = folded(text)
    for word in words:
        spans.extend((m.start(), m.end()) for m in re.finditer(re.escape(word), haystack))
    pieces: list[Piece] = []
    at = 0
    for start, end in _merged(spans):
        if start > at:
            pieces.append(Piece(text[at:start]))
        pieces.append(Piece(text[start:end], marked=True))
        at = end
    if at < len(text):
        pieces.append(Piece(text[at:]))
    return pieces


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def contains_every(texts: Iterable[str], words: list[str]) -> bool:
    together = "\n".join(folded(t) for t in texts)
    return all(word in together for word in words)


def contains_any(text: str, words: list[str]) -> bool:
    haystack = folded(text)
    return any(word in haystack for word in words)
