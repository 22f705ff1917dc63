"""Folding names for search: pure functions, no Django.

"Siobhán O'Néill" folds to "siobhan oneill": compatibility decomposition (NFKD),
combining marks dropped, case folded, apostrophes and hyphens removed, and the
letters that do not decompose (ø, ł, đ, ß, æ, œ, þ, ı) spelled out in Latin.
The same folding is applied to what people type, so "ONEILL", "o'neill" and
"O’Neill" all find her.
"""

from __future__ import annotations

import re
import unicodedata

TOKEN_MAX = 64
_SPELLED = str.maketrans(
    {
        "ø": "o",
        "Ø": "o",
        "ł": "l",
        "Ł": "l",
        "đ": "d",
        "Đ": "d",
        "ð": "d",
        "Ð": "d",
        "ß": "ss",
        "ẞ": "ss",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "þ": "th",
        "Þ": "th",
        "ı": "i",
    }
)
_APOSTROPHES = re.compile(r"['’‘ʼ`´]")
_HYPHENS = re.compile(r"[-‐‑‒–—]")


def _fold_letters(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.translate(_SPELLED))
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    bare = _APOSTROPHES.sub("", bare.casefold())
    # Anything else that is not a letter, digit, hyphen or space separates words.
    return "".join(char if char.isalnum() or char == "-" or char.isspace() else " " for char in bare)


def name_words(text: str) -> list[str]:
    """The folded words of a name, hyphens kept: "Smith-Jones" → ["smith-jones"]."""
    words = [_HYPHENS.sub("-", word).strip("-") for word in _fold_letters(_HYPHENS.sub("-", text)).split()]
    return [word for word in words if word]


def name_fold(text: str) -> str:
    """The name as one folded string, words separated by one space, hyphens removed."""
    return " ".join(word.replace("-", "") for word in name_words(text))


def name_parts(text: str) -> list[str]:
    """The folded parts of a name in order, split at spaces, hyphens and apostrophes:
    "Zoë Phạm-Smith-Jones" → ["zoe", "pham", "smith", "jones"], "O'Néill" → ["o", "neill"]."""
    return [part for word in name_words(_APOSTROPHES.sub("-", text)) for part in word.split("-") if part]


def name_tokens(text: str) -> list[str]:
    """What a name can be found by, each as a prefix: every word (joined, and by its
    parts either side of a hyphen or apostrophe), and every run of two or more of its
    parts joined, so "smith-jones" finds "Phạm-Smith-Jones". A run is the start of the
    parts from where it begins to the end of the name joined, so those "suffixes" are
    what is stored: one per part, the whole name without spaces the longest."""
    tokens: list[str] = []
    words = name_words(text)
    for word in words:
        tokens.append(word.replace("-", ""))
        if "-" in word:
            tokens.extend(part for part in word.split("-") if part)
    # "O'Néill" is found by "neill" too, "D'Souza" by "souza".
    for word in name_words(_APOSTROPHES.sub("-", text)):
        if "-" in word:
            tokens.extend(part for part in word.split("-") if len(part) > 1)
    parts = name_parts(text)
    tokens.extend("".join(parts[start:]) for start in range(len(parts) - 1))
    return list(dict.fromkeys(token[:TOKEN_MAX] for token in tokens if token))


# A pair token: " " + the first three letters of one token + " " + another token
# ("Sarah Jones" → " sar jones", " jon sarah", " jon sarahjones"). The leading space
# sorts before every folded token (which holds no space), so a one-word search's
# range never meets a pair; a two-word search reads one range of pairs instead of
# checking the rows of one word's range for the other.
PAIR_PREFIX = 3
PAIR_MARK = " "


def pair_token(first: str, second: str) -> str:
    """The pair token (or the start of those) of a token beginning with `first`'s
    first three letters and one beginning with `second`, within `TOKEN_MAX`."""
    return f"{PAIR_MARK}{first[:PAIR_PREFIX]} {second}"[:TOKEN_MAX]


def name_pairs(tokens: list[str]) -> list[str]:
    """The pair tokens of a name's tokens: each three-letter start of a token with
    every token that does not itself begin with those three letters (a query whose
    two words share their start is not answered from pairs: `pair_usable`)."""
    starts = dict.fromkeys(token[:PAIR_PREFIX] for token in tokens if len(token) >= PAIR_PREFIX)
    pairs = (pair_token(start, token) for start in starts for token in tokens if token[:PAIR_PREFIX] != start)
    return list(dict.fromkeys(pairs))


def search_tokens(text: str) -> list[str]:
    """Every token stored for a name: its `name_tokens`, then their `name_pairs`."""
    tokens = name_tokens(text)
    return tokens + name_pairs(tokens)


def pair_usable(first: str, second: str) -> bool:
    """Whether the pairs answer "a token starts with `first` and one with `second`":
    `first` has at least three letters and its start is not also the start of
    `second`'s (both words could then begin the same token, which is never paired)."""
    return len(first) >= PAIR_PREFIX and not first[:PAIR_PREFIX].startswith(second[:PAIR_PREFIX])


def query_words(text: str, *, most: int = 6) -> list[str]:
    """The folded words of a search; each must be the start of one of an entry's tokens."""
    return list(dict.fromkeys(word.replace("-", "")[:TOKEN_MAX] for word in name_words(text[:200])))[:most]
