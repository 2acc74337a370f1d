from django.urls import path

from headway.analytics import behaviour_views, cohort_views, metric_views, views

urlpatterns = [
    path("", views.insights, name="insights"),
    path("trends/", views.insights_result, name="insights-result"),
    path("save/", views.save_insight, name="insights-save"),
    path("import/", views.import_events, name="insights-import"),
    path("behaviour/", behaviour_views.behaviour_result, name="insights-behaviour"),
    path("persons/", behaviour_views.behaviour_persons, name="insights-persons"),
    path("cohorts/", cohort_views.cohorts_page, name="insights-cohorts"),
    path("cohorts/preview/", cohort_views.cohort_preview, name="insights-cohort-preview"),
    path("cohorts/<int:cohort_id>/", cohort_views.cohort_page, name="insights-cohort"),
    path("cohorts/<int:cohort_id>/delete/", cohort_views.cohort_delete, name="insights-cohort-delete"),
    path("metrics/", metric_views.metrics_page, name="insights-metrics"),
    path("metrics/validate/", metric_views.metrics_validate, name="insights-metrics-validate"),
    path("metrics/<str:name>/", metric_views.metric_page, name="insights-metric"),
    path("<int:insight_id>/", views.change_insight, name="insights-change"),
]
