"""The pure rules about signers, tested without a database."""

import pytest

from nurture.campaigns.signers import name_problem
from nurture.core.addresses import email_canonical, network_of


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("Rose.Clark@Example.org", "rose.clark@example.org"),
        ("rose.clark+pledge@example.org", "rose.clark@example.org"),
        ("Rose.Clark+x@gmail.com", "roseclark@gmail.com"),
        ("r.o.s.e.clark@googlemail.com", "roseclark@gmail.com"),
        ("  rose@nhs.net ", "rose@nhs.net"),
    ],
)
def test_it_puts_emails_in_the_form_the_provider_delivers_to(typed, canonical):
    assert email_canonical(typed) == canonical


def test_it_keeps_dots_for_providers_other_than_gmail():
    assert email_canonical("rose.clark@example.org") != email_canonical("roseclark@example.org")


@pytest.mark.parametrize(
    "name",
    [
        '=HYPERLINK("x")',
        "+44 1234",
        "-2+3",
        "@SUM(A1)",
        "\tRose",
        "\rRose",
        "Rose http://spam",
        "visit www.x.io",
        "Rose at spam.com",
    ],
)
def test_it_refuses_names_with_links_or_formula_starts(name):
    assert name_problem(name)


@pytest.mark.parametrize("name", ["Rose Clark", "Siobhán O'Néill", "Dr A. Smith-Jones", "Jean-Luc"])
def test_it_accepts_ordinary_names(name):
    assert name_problem(name) == ""


def test_it_groups_addresses_by_network():
    assert network_of("192.0.2.77") == "192.0.2.0/24"
    assert network_of("2001:db8:1:2:3:4:5:6") == "2001:db8:1:2::/64"
    assert network_of("::ffff:192.0.2.9") == "192.0.2.0/24"
    assert network_of("not an address") == ""
