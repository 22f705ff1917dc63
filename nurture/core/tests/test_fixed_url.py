"""`{% fixed_url %}`: the header and footer links, reversed once per process and prefix."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.test import override_settings
from django.urls import NoReverseMatch, reverse, set_script_prefix

TEMPLATE = Template("{% load nurture %}{% fixed_url 'register:search' %} {% fixed_url 'core:privacy' %}")


def test_a_fixed_url_is_the_url_django_reverses():
    assert TEMPLATE.render(Context()) == f"{reverse('register:search')} {reverse('core:privacy')}"


def test_a_site_under_a_script_prefix_gets_its_prefix_even_after_the_root_was_kept():
    TEMPLATE.render(Context())
    try:
        set_script_prefix("/nurture/")
        assert TEMPLATE.render(Context()) == "/nurture/register/ /nurture/privacy/"
    finally:
        set_script_prefix("/")
    assert TEMPLATE.render(Context()) == "/register/ /privacy/"


@override_settings(ROOT_URLCONF="nurture.core.tests.test_fixed_url")
def test_another_urlconf_is_not_answered_from_the_first_ones_links():
    with pytest.raises(NoReverseMatch, match="register"):
        TEMPLATE.render(Context())


urlpatterns: list[object] = []
