from django.urls import URLPattern, include, path

from nurture.exams import views

app_name = "exams"

# Grouped under their three prefixes: these URLs are tried before every other app's (the
# answer save is the busiest request, nurture/urls.py), so any other URL passes them with
# three prefix checks rather than one per pattern.
SITTING: list[URLPattern] = [
    path("<int:application_pk>/", views.overview, name="overview"),
    path("<int:application_pk>/part/<int:part>/start/", views.start, name="start"),
    path("attempt/<int:pk>/question/<int:position>/", views.question, name="question"),
    path("attempt/<int:pk>/answer/<int:position>/", views.answer, name="answer"),
    path("attempt/<int:pk>/hand-in/", views.submit, name="submit"),
    path("attempt/<int:pk>/result/", views.result, name="result"),
]

MARKING: list[URLPattern] = [
    path("", views.marking, name="marking"),
    path("<int:pk>/", views.mark, name="mark"),
]

STAFF: list[URLPattern] = [
    path("", views.staff, name="staff"),
    path("bank/import/", views.staff_bank_import, name="staff_bank_import"),
    path("bank/export.json", views.staff_bank_export, name="staff_bank_export"),
    path("questions/", views.staff_questions, name="staff_questions"),
    path("questions/<slug:key>/", views.staff_question, name="staff_question"),
    path("blueprint/<slug:level>/<int:part>/", views.staff_blueprint, name="staff_blueprint"),
    path("extra-time/", views.staff_extra_time, name="staff_extra_time"),
    path("items/<slug:level>/", views.staff_items, name="staff_items"),
]

urlpatterns = [
    path("exam/", include(SITTING)),
    path("marking/", include(MARKING)),
    path("staff/exam/", include(STAFF)),
]
