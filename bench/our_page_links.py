"""The `after=` cursor of page N of our search for each query read from stdin
(JSON: {"queries": [...], "page": N}), as the page's "Next" links give it; JSON on
stdout ({query: cursor, or null when the search has fewer pages})."""

import json
import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nurture.settings")
django.setup()

from nurture.register.selectors import register_search  # noqa: E402

asked = json.load(sys.stdin)
links: dict[str, str | None] = {}
for q in asked["queries"]:
    found = register_search(q=q)
    while found.number < asked["page"] - 1 and found.next_after:
        found = register_search(q=q, after=found.next_after)
    links[q] = found.next_after if found.number == asked["page"] - 1 else None
json.dump(links, sys.stdout)
