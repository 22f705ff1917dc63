"""Every entry our search finds for each query read from stdin (JSON list); JSON on stdout."""

import json
import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nurture.settings")
django.setup()

from nurture.register.selectors import register_search  # noqa: E402

queries = json.load(sys.stdin)
found = {q: sorted(row["number"] for row in register_search(q=q, per_page=10**7).rows) for q in queries}
json.dump(found, sys.stdout)
