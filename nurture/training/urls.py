from django.urls import path

from nurture.training import views

app_name = "training"

urlpatterns = [
    path("courses/", views.course_list, name="list"),
    path("courses/feed.ics", views.feed, name="feed"),
    path("courses/bookings/<str:token>/", views.booking, name="booking"),
    path("courses/<slug:slug>/", views.course_page, name="detail"),
    path("courses/<slug:slug>/book/<int:session_id>/", views.book, name="book"),
]
