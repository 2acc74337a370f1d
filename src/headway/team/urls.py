from django.urls import path

from headway.team import views

urlpatterns = [
    path("", views.team_page, name="team"),
]
