from django.urls import path

from headway.impact import views

urlpatterns = [
    path("", views.ledger_page, name="impact"),
    path("experiments/", views.experiments_page, name="impact-experiments"),
    path("experiments/<slug:name>/", views.experiment_page, name="impact-experiment"),
    path("initiatives/<int:initiative_id>/", views.readout_page, name="impact-readout"),
]
