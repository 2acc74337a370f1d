from django.urls import path

from headway.strategy import views as strategy_views
from headway.web import views

urlpatterns = [
    path("", strategy_views.dashboard, name="dashboard"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.logout, name="logout"),
    path("settings/", views.workspace_settings, name="settings"),
    path("settings/users/", views.users, name="settings-users"),
    path("settings/tokens/", views.tokens, name="settings-tokens"),
    path("settings/password/", views.change_password, name="settings-password"),
    path("settings/audit/", views.audit_log, name="settings-audit"),
    path("settings/jobs/", views.jobs_page, name="settings-jobs"),
    path("jobs/<int:job_id>/", views.job_progress, name="job-progress"),
]
