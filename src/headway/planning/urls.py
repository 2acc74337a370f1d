from django.urls import path

from headway.planning import views

urlpatterns = [
    path("", views.roadmap_page, name="roadmap"),
    path("backlog/", views.backlog_page, name="roadmap-backlog"),
    path("ideas/new/", views.idea_new, name="roadmap-idea-new"),
    path("ideas/<int:initiative_id>/", views.idea_page, name="roadmap-idea"),
    path("ideas/<int:initiative_id>/edit/", views.idea_edit, name="roadmap-idea-edit"),
    path("scoring/", views.scoring_page, name="roadmap-scoring"),
    path("optimise/", views.optimise_page, name="roadmap-optimise"),
    path("hiring/", views.hiring_page, name="roadmap-hiring"),
]
