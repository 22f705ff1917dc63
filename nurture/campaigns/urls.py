from django.urls import path

from nurture.campaigns import views

app_name = "campaigns"

urlpatterns = [
    path("awareness-week/", views.current, name="current"),
    path("awareness-week/archive/", views.archive, name="archive"),
    path("awareness-week/pledge/confirm/<str:token>/", views.pledge_confirm_view, name="pledge_confirm"),
    path("awareness-week/pledge/withdraw/<str:token>/", views.pledge_withdraw_view, name="pledge_withdraw"),
    path("awareness-week/<slug:slug>/", views.landing, name="landing"),
    path("awareness-week/<slug:slug>/pledge/", views.pledge, name="pledge"),
    path("awareness-week/<slug:slug>/pledge/sent/", views.pledge_sent, name="pledge_sent"),
    path("awareness-week/<slug:slug>/resources/", views.campaign_resources, name="resources"),
    path("resources/<slug:slug>/", views.resource, name="resource"),
    path("resources/<slug:slug>/v<int:number>/", views.resource_version, name="resource_version"),
    path("resources/<slug:slug>/v<int:number>/download/", views.resource_download, name="resource_download"),
    path("staff/campaigns/", views.staff_campaigns, name="staff_campaigns"),
    path("staff/campaigns/new/", views.staff_campaign_new, name="staff_campaign_new"),
    path("staff/campaigns/<slug:slug>/", views.staff_campaign_edit, name="staff_campaign_edit"),
    path("staff/campaigns/<slug:slug>/pledge/", views.staff_pledge, name="staff_pledge"),
    path("staff/campaigns/<slug:slug>/pledge/export.csv", views.staff_pledge_export, name="staff_pledge_export"),
    path("staff/resources/", views.staff_resources, name="staff_resources"),
    path("staff/resources/<slug:slug>/", views.staff_resource, name="staff_resource"),
]
