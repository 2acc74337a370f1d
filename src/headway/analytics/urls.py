from django.urls import path

from headway.analytics import behaviour_views, views

urlpatterns = [
    path("", views.insights, name="insights"),
    path("trends/", views.insights_result, name="insights-result"),
    path("save/", views.save_insight, name="insights-save"),
    path("import/", views.import_events, name="insights-import"),
    path("behaviour/", behaviour_views.behaviour_result, name="insights-behaviour"),
    path("persons/", behaviour_views.behaviour_persons, name="insights-persons"),
    path("<int:insight_id>/", views.change_insight, name="insights-change"),
]
