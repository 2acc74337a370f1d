from django.urls import path

from headway.analytics import views

urlpatterns = [
    path("", views.insights, name="insights"),
    path("trends/", views.insights_result, name="insights-result"),
    path("save/", views.save_insight, name="insights-save"),
    path("<int:insight_id>/", views.change_insight, name="insights-change"),
]
