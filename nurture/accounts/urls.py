from django.urls import path

from nurture.accounts import views

app_name = "accounts"

urlpatterns = [
    path("account/profile/", views.profile, name="profile"),
    path("staff/people/", views.people, name="people"),
    path("staff/people/<int:pk>/role/", views.person_role, name="person_role"),
]
