"""The browser tests fail on any Content-Security-Policy violation the browser reports."""

from __future__ import annotations

import pytest
from playwright.sync_api import Route

PROBE = "/csp-probe/"
INLINE_STYLE = (
    '<!DOCTYPE html><html lang="en"><head><title>Probe</title></head>'
    '<body><main><h1 style="color: #222">Probe</h1></main></body></html>'
)


@pytest.mark.browser
@pytest.mark.parametrize("javascript", [True, False], ids=["with JavaScript", "without JavaScript"])
def test_a_page_with_an_inline_style_fails_the_test(new_visitor, site, javascript):
    visitor = new_visitor(javascript=javascript)

    def serve(route: Route) -> None:
        route.fulfill(
            status=200,
            headers={"Content-Security-Policy": "style-src 'self'"},
            content_type="text/html; charset=utf-8",
            body=INLINE_STYLE,
        )

    visitor.page.route(f"{site}{PROBE}", serve)

    with pytest.raises(pytest.fail.Exception, match="Content-Security-Policy violation"):
        visitor.visit(PROBE)
