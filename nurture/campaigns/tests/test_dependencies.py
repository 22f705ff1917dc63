"""Events stands on campaigns (an event belongs to a campaign), never the other way round:
no module of campaigns, its tests aside, imports the events app. What campaigns shows of
events it asks for through `EventsConfig.campaign_event_counts` (see `selectors.events_counts`)."""

from __future__ import annotations

from pathlib import Path

import nurture.campaigns
from nurture.core.tests.test_core_imports import imported_names

CAMPAIGNS = Path(nurture.campaigns.__file__).parent


def test_no_module_of_campaigns_imports_events():
    modules = sorted(p for p in CAMPAIGNS.rglob("*.py") if "tests" not in p.relative_to(CAMPAIGNS).parts)
    assert CAMPAIGNS / "selectors.py" in modules
    found = [
        f"{path.relative_to(CAMPAIGNS)}:{line} imports {name}"
        for path in modules
        for line, name in imported_names(
            path.read_text(), ".".join(("nurture", "campaigns", *path.parent.relative_to(CAMPAIGNS).parts))
        )
        if name == "nurture.events" or name.startswith("nurture.events.")
    ]
    assert found == []
