from django.urls import path

from headway.strategy import area_views, edit_views, views

urlpatterns = [
    path("", views.goals_page, name="goals"),
    path("new/", edit_views.goal_new, name="goals-new"),
    path("<int:goal_id>/", views.goal_page, name="goals-detail"),
    path("<int:goal_id>/edit/", edit_views.goal_edit, name="goals-edit"),
    path("new-kpi/", edit_views.kpi_new, name="goals-kpi-new"),
    path("kpis/<slug:name>/", views.kpi_page, name="goals-kpi"),
    path("kpis/<slug:name>/edit/", edit_views.kpi_edit, name="goals-kpi-edit"),
    path("kpis/<slug:name>/import/", edit_views.kpi_import, name="goals-kpi-import"),
    path("areas/", edit_views.areas_page, name="goals-areas"),
    path("areas/change/", area_views.area_change, name="goals-area-change"),
    path("strategy/", views.strategy_page, name="goals-strategy"),
    path("kpis-refresh/", views.kpis_refresh, name="goals-kpis-refresh"),
    path("alerts/", views.alerts_page, name="goals-alerts"),
]
