from django.urls import path

from nurture.training import views

app_name = "training"

urlpatterns = [
    path("courses/", views.course_list, name="list"),
    path("courses/feed.ics", views.feed, name="feed"),
    path("courses/<slug:slug>/", views.course_page, name="detail"),
]
