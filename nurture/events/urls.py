from django.urls import path

from nurture.events import views

app_name = "events"

urlpatterns = [
    path("events/", views.event_list, name="list"),
    path("events/feed.ics", views.feed, name="feed"),
    path("events/month/<int:year>/<int:month>/", views.month, name="month"),
    path("events/mine/", views.mine, name="mine"),
    path("events/submit/", views.submit, name="submit"),
    path("events/<int:pk>.ics", views.event_ics, name="ics"),
    path("events/<int:pk>/edit/", views.edit, name="edit"),
    path("events/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("events/<int:pk>/attendance/", views.attendance, name="attendance"),
    path("events/<int:pk>/<slug:slug>/", views.detail, name="detail"),
    path("staff/events/", views.staff_queue, name="staff_queue"),
    path("staff/events/attendance/", views.staff_attendance, name="staff_attendance"),
    path("staff/events/<int:pk>/", views.staff_event, name="staff_event"),
]
