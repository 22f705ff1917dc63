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
