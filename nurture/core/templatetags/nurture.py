from __future__ import annotations

from functools import lru_cache

from django import template
from django.conf import settings
from django.forms import BoundField
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def accessible(field: BoundField) -> SafeString:
    """Render a field's widget tied to its hint and error for screen readers."""
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}_helptext")
    if field.errors:
        described.append(f"{field.auto_id}_error")
    attrs: dict[str, str | bool] = {}
    if described and not field.use_fieldset:  # a fieldset's legend, hint and error describe it, not each box
        attrs["aria-describedby"] = " ".join(described)
    if field.errors:
        attrs["aria-invalid"] = "true"
    return field.as_widget(attrs=attrs)


@register.filter
def hours(value: object) -> str:
    """1.50 -> 1.5, 2.0 -> 2: hours as a person writes them."""
    text = f"{value}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


@lru_cache(maxsize=256)
def _fixed_url(name: str, prefix: str, urlconf: str) -> str:
    return reverse(name, urlconf=urlconf)


@register.simple_tag
def fixed_url(name: str) -> str:
    """`{% url name %}` for a page without arguments, reversed once per process (and
    script prefix, and URLconf): the links every page's header and footer carry were
    reversed again for each page, about a fifth of rendering a short one."""
    return _fixed_url(name, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
