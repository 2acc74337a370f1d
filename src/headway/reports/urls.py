from django.urls import path

from headway.reports import views

urlpatterns = [
    path("reports/", views.reports_page, name="reports"),
    path("reports/preview/", views.preview_page, name="reports-preview"),
    path("reports/packs/", views.create_pack, name="reports-create"),
    path("reports/packs/<int:pack_id>/", views.pack_page, name="reports-pack"),
    path("reports/packs/<int:pack_id>/action/", views.pack_action, name="reports-pack-action"),
    path("reports/packs/<int:pack_id>/print/", views.pack_print, name="reports-pack-print"),
    path("reports/subscriptions/", views.subscribe, name="reports-subscribe"),
    path("reports/subscriptions/<int:subscription_id>/end/", views.end_subscription, name="reports-unsubscribe-one"),
    path("reports/share-roadmap/", views.share_roadmap, name="reports-share-roadmap"),
    path("reports/share-live/", views.share_live, name="reports-share-live"),
    path("reports/shares/<int:share_id>/revoke/", views.revoke_share, name="reports-share-revoke"),
    path("reports/unsubscribe/<str:token>/", views.unsubscribe_page, name="reports-unsubscribe"),
    path("reports/alert/<str:token>/", views.alert_page, name="reports-alert"),
    path("settings/channels/", views.channels_page, name="settings-channels"),
    path("settings/deliveries/", views.deliveries_page, name="settings-deliveries"),
    path("share/<str:token>/", views.share_page, name="share"),
]
