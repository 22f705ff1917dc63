"""Every table in the templates becomes a readable stack on a phone (`table-stack`, each
cell labelled with its column), unless it is narrow enough to fit as it is or has a phone
layout of its own; those are named here with the reason. A cell of buttons or links that
name themselves ("Change role of …") is marked `row-actions` instead of labelled."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

FITS_AS_IT_IS = {
    # Two short columns (a name and a count): 390 px holds them.
    "campaigns/templates/campaigns/_pledge_public.html",
    # The month grid is a list of days on a phone (events.css), not a stack of cells.
    "events/templates/events/month.html",
}
TABLE = re.compile(r"<table(?P<attributes>[^>]*)>")


def _tables() -> list[tuple[str, str, str]]:
    root = Path(settings.BASE_DIR) / "nurture"
    found = []
    for path in sorted(root.rglob("*.html")):
        text = path.read_text()
        for match in TABLE.finditer(text):
            found.append((str(path.relative_to(root)), match["attributes"], text[match.end() :]))
    return found


def test_every_table_stacks_on_a_phone_or_is_named_as_fitting():
    not_stacking = sorted(
        {name for name, attributes, _ in _tables() if "table-stack" not in attributes} - FITS_AS_IT_IS
    )
    assert not_stacking == []


def test_every_cell_of_a_stacking_table_says_which_column_it_is_in():
    unlabelled = []
    for name, attributes, rest in _tables():
        if "table-stack" not in attributes:
            continue
        body = rest[: rest.index("</table>")]
        body = body[body.find("<tbody>") :]
        for cell in re.findall(r"<td(?![^>]*colspan)[^>]*>", body):
            if "data-label" not in cell and 'class="row-actions"' not in cell:
                unlabelled.append((name, cell))
    assert unlabelled == []
