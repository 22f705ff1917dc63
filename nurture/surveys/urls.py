from django.urls import URLPattern, path

from nurture.surveys import coding_views, report_views, transfer_views, views

app_name = "surveys"

urlpatterns: list[URLPattern] = [
    # Respondents: a sample's link, no account
    path("s/<str:link>/", views.respond_start, name="respond_start"),
    path("s/<str:link>/page/<int:number>/", views.respond_page, name="respond_page"),
    path("s/<str:link>/thanks/", views.respond_done, name="respond_done"),
    # The coordinator's questionnaire builder and weighting
    path("staff/surveys/", views.staff_surveys, name="staff_surveys"),
    path("staff/surveys/new/", views.staff_survey_new, name="staff_survey_new"),
    path("staff/surveys/<slug:slug>/", views.staff_survey, name="staff_survey"),
    path("staff/surveys/<slug:slug>/edit/", views.staff_survey_edit, name="staff_survey_edit"),
    path("staff/surveys/<slug:slug>/samples/new/", views.staff_sample_new, name="staff_sample_new"),
    path("staff/surveys/<slug:slug>/samples/<slug:code>/", views.staff_sample_edit, name="staff_sample_edit"),
    path("staff/surveys/<slug:slug>/sections/new/", views.staff_section_new, name="staff_section_new"),
    path("staff/surveys/<slug:slug>/sections/<int:position>/", views.staff_section_edit, name="staff_section_edit"),
    path("staff/surveys/<slug:slug>/questions/new/", views.staff_question_new, name="staff_question_new"),
    path("staff/surveys/<slug:slug>/questions/<str:code>/", views.staff_question_edit, name="staff_question_edit"),
    path("staff/surveys/<slug:slug>/samples/<slug:code>/weighting/", views.staff_weighting, name="staff_weighting"),
    path("staff/surveys/<slug:slug>/weighting-runs/<int:pk>/", views.staff_run, name="staff_run"),
    *transfer_views.urlpatterns,
    *coding_views.urlpatterns,
    *report_views.urlpatterns,
]
