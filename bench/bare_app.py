"""The reference every benchmark compares against: a bare Django view, nothing else.

Served by the same server (gunicorn, same workers) as Nurture, so the ratio shows
what Nurture's own work costs on top of Django's request handling.
"""

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpRequest, HttpResponse
from django.urls import path

if not settings.configured:
    settings.configure(
        DEBUG=False,
        SECRET_KEY="bench-only-not-secret",  # noqa: S106
        ALLOWED_HOSTS=["*"],
        ROOT_URLCONF=__name__,
        MIDDLEWARE=[],
        INSTALLED_APPS=[],
    )


def fixed_page(request: HttpRequest) -> HttpResponse:
    return HttpResponse("<!DOCTYPE html><title>ok</title><p>A fixed short page.</p>")


urlpatterns = [path("", fixed_page)]
application = get_wsgi_application()
