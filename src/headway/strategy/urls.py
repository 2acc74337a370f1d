from django.urls import path

from headway.strategy import views

urlpatterns = [
    path("", views.goals_page, name="goals"),
    path("<int:goal_id>/", views.goal_page, name="goals-detail"),
    path("kpis/<slug:name>/", views.kpi_page, name="goals-kpi"),
    path("strategy/", views.strategy_page, name="goals-strategy"),
    path("alerts/", views.alerts_page, name="goals-alerts"),
]
