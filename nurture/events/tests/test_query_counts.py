"""The coordinator's moderation queue reads the same number of queries however many events wait."""

from conftest import client_for
from nurture.core.tests.queries import page_queries

from .conftest import make_organiser


def test_the_moderation_queue_reads_as_many_queries_for_twelve_events_as_for_two(submit, coordinator):
    client = client_for(coordinator)
    for n in range(2):
        submit(title=f"Stay and play {n}")
    two, _page = page_queries(client, "/staff/events/")
    teammate = make_organiser("tom@severnside.example.org", "Severnside Family Hubs")
    other = make_organiser("ola@bristol.example.org", "Bristol Baby Club")
    for n in range(2, 12):
        submit(by=(teammate, other)[n % 2], title=f"Stay and play {n}")
    twelve, page = page_queries(client, "/staff/events/")
    assert "Stay and play 11" in page
    assert twelve == two
