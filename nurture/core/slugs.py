"""A slug for a new row, made from its name and not yet taken (training's courses and
providers, surveys and reports)."""

from __future__ import annotations

from collections.abc import Collection

from django.db import models
from django.utils.text import slugify


def free_slug(model: type[models.Model], name: str, *, most: int, reserved: Collection[str] = ()) -> str:
    """`name` as a slug of at most `most` characters that no row of `model` has, nor is
    one of `reserved` (a path of the app's own, such as "new"): "-2", "-3", … is added
    when it is taken. A name with no letters or digits falls back on the model's name."""
    base = slugify(name)[: most - 10].strip("-") or model._meta.model_name or "x"
    if base in reserved:
        base = f"{base}-{model._meta.model_name}"
    slug, n = base, 1
    while model._default_manager.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug
