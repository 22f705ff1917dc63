"""What a page says about itself when its link is shared on social media.

`ShareCard` holds the Open Graph and Twitter card data of one page (title, description,
the page's address and its picture, all addresses absolute, from `NURTURE_SITE_URL`);
`core/_share_meta.html` writes it as `<meta>` tags in the page's `{% block meta %}`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.templatetags.static import static

# The size social sites show a large picture at (and Open Graph says to give).
IMAGE_WIDTH = 1200
IMAGE_HEIGHT = 630


@dataclass(frozen=True)
class ShareCard:
    title: str
    description: str
    url: str
    image: str
    image_alt: str
    kind: str = "website"  # og:type: "website", "article", "event"…
    image_width: int = IMAGE_WIDTH
    image_height: int = IMAGE_HEIGHT


def static_url(path: str) -> str:
    """The full address of a static file (`static()` is already absolute when STATIC_URL is)."""
    url = static(path)
    return url if url.startswith(("https://", "http://")) else settings.NURTURE_SITE_URL + url


def shortened(text: str, most: int = 200) -> str:
    """One line of at most `most` characters, cut at a word, for a card's description."""
    line = " ".join(text.split())
    if len(line) <= most:
        return line
    return line[: most - 1].rsplit(" ", 1)[0].rstrip(",.;:") + "…"
