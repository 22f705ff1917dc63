"""Make the pictures a shared link to Awareness Week shows: 1200 × 630 PNGs.

    manage.py campaign_share_images            every published campaign, and the any-year picture
    manage.py campaign_share_images --slug 2027

Each campaign's picture shows its name, dates, theme and #IMHAW, drawn from
`campaigns/share_card.html` by headless Chromium (Playwright, a development dependency;
`NURTURE_CHROMIUM` names the browser, /usr/bin/chromium by default) into
`nurture/campaigns/static/campaigns/share/<slug>-<digest>.png` (the digest is of the name,
theme and dates, so a changed campaign never shares an old picture); commit the files. A
campaign without a picture shares the any-year one (`imhaw.png`). Social sites do not show SVG pictures,
hence PNG made once, not drawn per request.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.template.loader import render_to_string

from nurture.campaigns.models import Campaign
from nurture.campaigns.selectors import SHARE_FOLDER, share_image_name
from nurture.core.share import IMAGE_HEIGHT, IMAGE_WIDTH

NAME = "Infant Mental Health Awareness Week"
CARD_STYLE = Path(__file__).with_name("share_card.css")


class Command(BaseCommand):
    help = "Make the 1200 × 630 share pictures of the Awareness Week campaigns (needs Playwright and Chromium)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--slug", action="append", default=[], help="Only this campaign (repeatable).")

    def handle(self, *args: Any, slug: list[str], **options: Any) -> None:
        try:
            from playwright.sync_api import sync_playwright
        except ImportError:
            raise CommandError("Playwright is needed: it comes with requirements/dev.txt.") from None
        campaigns = Campaign.objects.for_public_display().order_by("year")
        if slug:
            campaigns = campaigns.filter(slug__in=slug)
        cards: list[tuple[str, dict[str, Any]]] = [
            (share_image_name(c), {"campaign": c, "name": c.name or NAME, "theme": c.theme}) for c in campaigns
        ]
        if not slug:
            cards.append(("imhaw.png", {"campaign": None, "name": NAME, "theme": "Every baby’s mental health matters"}))
        SHARE_FOLDER.mkdir(parents=True, exist_ok=True)
        executable = os.environ.get("NURTURE_CHROMIUM", "/usr/bin/chromium")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable)
            page = browser.new_page(viewport={"width": IMAGE_WIDTH, "height": IMAGE_HEIGHT})
            for filename, context in cards:
                page.set_content(render_to_string("campaigns/share_card.html", context))
                page.add_style_tag(content=CARD_STYLE.read_text())
                page.screenshot(path=str(SHARE_FOLDER / filename), type="png")
                self.stdout.write(f"{SHARE_FOLDER / filename}")
            browser.close()
