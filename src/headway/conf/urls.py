from django.urls import include, path

from headway.conf.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("team/", include("headway.team.urls")),
    path("insights/", include("headway.analytics.urls")),
    path("roadmap/", include("headway.planning.urls")),
    path("feedback/", include("headway.discovery.urls")),
    path("goals/", include("headway.strategy.urls")),
    path("impact/", include("headway.impact.urls")),
    path("", include("headway.reports.urls")),
    path("", include("headway.web.urls")),
]

handler400 = "headway.web.views.bad_request"
handler403 = "headway.web.views.permission_denied"
handler404 = "headway.web.views.page_not_found"
handler500 = "headway.web.views.server_error"
