"""The reference for `bench.exam_sitting`: a bare Django view that writes one row.

No middleware, no session, no CSRF: a POST inserts one row (in its own transaction, on
the same database and with the same connection settings as Nurture's run) and answers a
short JSON body. Served by the same gunicorn as Nurture, so the ratio shows what
Nurture's own work for an answer costs on top of Django handling a write.
"""

import os

import dj_database_url
from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

if not settings.configured:
    # Connected as nurture/settings.py connects (persistent, health-checked, the same options).
    database = dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60, conn_health_checks=True)
    if database["ENGINE"] == "django.db.backends.postgresql":
        database["OPTIONS"] = {"server_side_binding": True, "prepare_threshold": 5}
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000; "
                "PRAGMA cache_size=-65536;"
            ),
        }
    settings.configure(
        DEBUG=False,
        SECRET_KEY="bench-only-not-secret",  # noqa: S106
        ALLOWED_HOSTS=["*"],
        ROOT_URLCONF=__name__,
        MIDDLEWARE=[],
        INSTALLED_APPS=[],
        DATABASES={"default": database},
    )

TABLE = "bench_bare_write"


def table_made() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {TABLE} (id integer PRIMARY KEY, candidate integer, position integer, "
            "choice integer)"
            if connection.vendor == "sqlite"
            else f"CREATE TABLE IF NOT EXISTS {TABLE} (id bigserial PRIMARY KEY, candidate integer, "
            "position integer, choice integer)"
        )


@csrf_exempt
def write_one(request: HttpRequest, candidate: int, position: int) -> HttpResponse:
    if request.method != "POST":
        return HttpResponse("ok")  # the readiness check
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} (candidate, position, choice) VALUES (%s, %s, %s)",  # noqa: S608
            [candidate, position, int(request.POST.get("choice", "0") or 0)],
        )
    return JsonResponse({"saved": True})


urlpatterns = [path("write/<int:candidate>/<int:position>/", write_one)]
application = get_wsgi_application()
table_made()
