from django.urls import path

from nurture.accounts import views

app_name = "accounts"

urlpatterns = [
    path("account/profile/", views.profile, name="profile"),
    path("account/data/", views.data, name="data"),
    path("account/data/download/", views.data_download, name="data_download"),
    path("account/delete/", views.erase, name="erase"),
    path("staff/people/", views.people, name="people"),
    path("staff/people/<int:pk>/role/", views.person_role, name="person_role"),
]
