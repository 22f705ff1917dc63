from django.urls import path

from nurture.register import views

app_name = "register"

urlpatterns = [
    path("register/", views.search, name="search"),
    path("register/export.csv", views.export_csv, name="export"),
    path("register/check/", views.check, name="check"),
    path("register/check/download/<str:token>/", views.check_download, name="check_download"),
    path("register/check/subscribe/", views.subscribe, name="subscribe"),
    path("register/subscriptions/confirm/<str:token>/", views.subscription_confirm_view, name="subscription_confirm"),
    path("register/subscriptions/unsubscribe/<str:token>/", views.unsubscribe_view, name="unsubscribe"),
    path("register/me/", views.mine, name="mine"),
    path("register/me/<str:number>/renew/", views.renew, name="renew"),
    path("register/<str:number>/", views.entry, name="entry"),
    path("staff/register/", views.staff_list, name="staff_list"),
    path("staff/register/<str:number>/", views.staff_entry, name="staff_entry"),
]
