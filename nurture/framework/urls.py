from django.urls import path

from nurture.framework import views

app_name = "framework"

urlpatterns = [
    path("framework/", views.framework_home, name="home"),
    path("framework/search/", views.framework_search_view, name="search"),
    path("framework/competencies/<str:code>/", views.competency_detail, name="competency"),
    path("framework/levels/<slug:code>/", views.level_detail, name="level"),
    path("framework/v<int:number>/", views.framework_home, name="version"),
    path("framework/v<int:number>/competencies/<str:code>/", views.competency_detail, name="version_competency"),
    path("framework/v<int:number>/levels/<slug:code>/", views.level_detail, name="version_level"),
    path("staff/framework/", views.framework_manage, name="manage"),
    path("staff/framework/<int:number>/publish/", views.framework_publish_view, name="publish"),
]
