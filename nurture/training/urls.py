from django.urls import path

from nurture.training import views

app_name = "training"

urlpatterns = [
    path("courses/", views.course_list, name="list"),
    path("courses/feed.ics", views.feed, name="feed"),
    path("bookings/<str:token>/", views.booking, name="booking"),
    path("courses/<slug:slug>/", views.course_page, name="detail"),
    path("courses/<slug:slug>/book/<int:session_id>/", views.book, name="book"),
    path("courses/<slug:slug>/interest/", views.interest, name="interest"),
    path("courses/<slug:slug>/completed/", views.completed, name="completed"),
    path("courses/<slug:slug>/interest/sent/", views.interest_sent, name="interest_sent"),
    path("staff/courses/", views.staff_courses, name="staff_courses"),
    path("provider/", views.provider_home, name="provider_home"),
    path("provider/<slug:provider_slug>/courses/new/", views.provider_course_new, name="provider_course_new"),
    path("provider/courses/<slug:slug>/edit/", views.provider_course_edit, name="provider_course_edit"),
    path("provider/courses/<slug:slug>/sessions/new/", views.provider_session_new, name="provider_session_new"),
    path("provider/sessions/<int:session_id>/", views.provider_session_page, name="provider_session"),
    path("provider/sessions/<int:session_id>/edit/", views.provider_session_edit, name="provider_session_edit"),
    path("provider/sessions/<int:session_id>/people.csv", views.provider_session_csv, name="provider_session_csv"),
    path("provider/courses/<slug:slug>/interest/", views.provider_interest, name="provider_interest"),
    path("provider/courses/<slug:slug>/completions/", views.provider_completions, name="provider_completions"),
    path("provider/courses/<slug:slug>/interest.csv", views.provider_interest_csv, name="provider_interest_csv"),
]
