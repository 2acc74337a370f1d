from django.urls import path

from headway.discovery import import_views, views

urlpatterns = [
    path("", views.feedback_page, name="feedback"),
    path("inbox/", views.inbox_page, name="feedback-inbox"),
    path("add/", views.add_feedback, name="feedback-add"),
    path("import/", import_views.import_feedback, name="feedback-import"),
    path("demand/", views.link_demand, name="feedback-demand"),
    path("inbox/reviewed/", views.mark_reviewed, name="feedback-reviewed"),
    path("themes/<int:theme_id>/", views.theme_page, name="feedback-theme"),
    path("themes/<int:theme_id>/rename/", views.rename_theme, name="feedback-rename"),
    path("themes/<int:theme_id>/merge/", views.merge_theme, name="feedback-merge"),
    path("themes/<int:theme_id>/split/", views.split_theme, name="feedback-split"),
    path("themes/<int:theme_id>/move/", views.move_items, name="feedback-move"),
    path("runs/", views.start_run, name="feedback-run-start"),
    path("runs/<int:run_id>/", views.run_progress, name="feedback-run"),
]
