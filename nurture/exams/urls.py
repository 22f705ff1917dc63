from django.urls import path

from nurture.exams import views

app_name = "exams"

urlpatterns = [
    path("exam/<int:application_pk>/", views.overview, name="overview"),
    path("exam/<int:application_pk>/part/<int:part>/start/", views.start, name="start"),
    path("exam/attempt/<int:pk>/question/<int:position>/", views.question, name="question"),
    path("exam/attempt/<int:pk>/answer/<int:position>/", views.answer, name="answer"),
    path("exam/attempt/<int:pk>/hand-in/", views.submit, name="submit"),
    path("exam/attempt/<int:pk>/result/", views.result, name="result"),
]

urlpatterns += [
    path("marking/", views.marking, name="marking"),
    path("marking/<int:pk>/", views.mark, name="mark"),
    path("staff/exam/", views.staff, name="staff"),
    path("staff/exam/bank/import/", views.staff_bank_import, name="staff_bank_import"),
    path("staff/exam/bank/export.json", views.staff_bank_export, name="staff_bank_export"),
    path("staff/exam/questions/", views.staff_questions, name="staff_questions"),
    path("staff/exam/questions/<slug:key>/", views.staff_question, name="staff_question"),
    path("staff/exam/blueprint/<slug:level>/<int:part>/", views.staff_blueprint, name="staff_blueprint"),
    path("staff/exam/extra-time/", views.staff_extra_time, name="staff_extra_time"),
    path("staff/exam/items/<slug:level>/", views.staff_items, name="staff_items"),
]
