from django.urls import path

from nurture.endorsements import views

app_name = "endorsements"

urlpatterns = [
    # The practitioner
    path("applications/", views.application_list, name="applications"),
    path("applications/start/<slug:level>/", views.application_start_view, name="application_start"),
    path("applications/<int:pk>/", views.application_detail, name="application"),
    path("applications/<int:pk>/files/<int:file_pk>/", views.snapshot_file, name="snapshot_file"),
    path(
        "applications/<int:pk>/references/<int:reference_pk>/resend/",
        views.reference_resend_view,
        name="reference_resend",
    ),
    path("applications/<int:pk>/<slug:step>/", views.application_act, name="application_act"),
    # The referee, with no account
    path("references/<str:token>/", views.reference_form, name="reference"),
    # The registrar
    path("staff/applications/", views.staff_queue_view, name="staff_queue"),
    path("staff/applications/<int:pk>/", views.staff_application, name="staff_application"),
    path("staff/applications/<int:pk>/<slug:step>/", views.staff_act, name="staff_act"),
    path("staff/agreement/", views.agreement, name="agreement"),
    # The assessor
    path("staff/reviews/", views.review_list, name="reviews"),
    path("staff/reviews/<int:pk>/", views.review, name="review"),
    path("staff/reviews/<int:pk>/<slug:step>/", views.review_act, name="review_act"),
    path("staff/conflicts/", views.conflicts, name="conflicts"),
]
