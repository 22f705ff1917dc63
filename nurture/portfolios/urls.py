from django.urls import path

from nurture.portfolios import views

app_name = "portfolios"

urlpatterns = [
    path("portfolio/", views.portfolio_home, name="home"),
    path("portfolio/readiness/<slug:level>/", views.readiness, name="readiness"),
    path("portfolio/evidence/check/", views.evidence_check, name="evidence_check"),
    path("portfolio/evidence/<int:pk>/", views.evidence_detail, name="evidence"),
    path("portfolio/evidence/<int:pk>/checked/", views.evidence_review, name="evidence_review"),
    path("portfolio/supervision/sessions/", views.supervision_sessions, name="supervision_sessions"),
    path("portfolio/supervision/<int:pk>/resend/", views.supervision_resend, name="supervision_resend"),
    path("portfolio/<slug:kind>/new/", views.record_edit, name="record_new"),
    path("portfolio/<slug:kind>/<int:pk>/edit/", views.record_edit, name="record_edit"),
    path("portfolio/<slug:kind>/<int:pk>/delete/", views.record_remove, name="record_delete"),
    path("portfolio/<slug:kind>/<int:pk>/file/", views.record_file, name="record_file"),
    path("supervision/confirm/<str:token>/", views.supervision_confirm_view, name="supervision_confirm"),
]
