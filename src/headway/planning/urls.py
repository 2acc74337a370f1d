from django.urls import path

from headway.planning import views, views_backlog, views_manage

urlpatterns = [
    path("", views.roadmap_page, name="roadmap"),
    path("backlog/", views_backlog.backlog_page, name="roadmap-backlog"),
    path("backlog/<int:initiative_id>/", views_backlog.backlog_row, name="roadmap-backlog-row"),
    path("ideas/new/", views.idea_new, name="roadmap-idea-new"),
    path("ideas/import/", views_manage.import_page, name="roadmap-import"),
    path("ideas/<int:initiative_id>/", views.idea_page, name="roadmap-idea"),
    path("ideas/<int:initiative_id>/edit/", views.idea_edit, name="roadmap-idea-edit"),
    path("ideas/<int:initiative_id>/delete/", views_manage.idea_delete, name="roadmap-idea-delete"),
    path("scoring/", views.scoring_page, name="roadmap-scoring"),
    path("optimise/", views.optimise_page, name="roadmap-optimise"),
    path("scenarios/<path:name>/action/", views_manage.scenario_action, name="roadmap-scenario"),
    path("teams/", views_manage.teams_page, name="roadmap-teams"),
    path("hiring/", views.hiring_page, name="roadmap-hiring"),
]
