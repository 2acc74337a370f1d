from django.urls import path

from headway.team import checkin_views, erase_views, org_views, review_views, views

urlpatterns = [
    path("", org_views.team_page, name="team"),
    path("ladder/", views.ladder_page, name="team-ladder"),
    path("people/<int:person_id>/", views.person_page, name="team-person"),
    path("people/<int:person_id>/erase/", erase_views.erase_person, name="team-person-erase"),
    path("people/<int:person_id>/readiness/", views.readiness_page, name="team-readiness"),
    path("checkins/", views.checkins_page, name="team-checkins"),
    path("checkins/<int:pair_id>/", views.pair_page, name="team-pair"),
    path("checkins/<int:pair_id>/cadence/", checkin_views.cadence, name="team-pair-cadence"),
    path("checkins/<int:pair_id>/end/", checkin_views.end, name="team-pair-end"),
    path("reviews/", views.reviews_page, name="team-reviews"),
    path("reviews/threshold/", review_views.threshold, name="team-review-threshold"),
    path("reviews/<int:cycle_id>/", views.cycle_page, name="team-cycle"),
    path("reviews/<int:cycle_id>/reviewees/", review_views.add_reviewees, name="team-cycle-reviewees"),
    path("reviews/<int:cycle_id>/reminders/", review_views.remind, name="team-cycle-remind"),
    path("reviews/<int:cycle_id>/ninebox/", views.ninebox_page, name="team-ninebox"),
    path("reviews/<int:cycle_id>/results/<int:person_id>/", views.results_page, name="team-results"),
    path("reviews/respond/<int:nomination_id>/", views.respond_page, name="team-respond"),
    path("jobs/", views.jobs_page, name="team-jobs"),
    path("jobs/<int:job_id>/", views.job_page, name="team-job"),
    path("jobs/<int:job_id>/export.<str:fmt>", views.job_export, name="team-job-export"),
    path("jobs/candidates/erase/", erase_views.erase_candidate, name="team-candidate-erase"),
    path("jobs/<int:job_id>/interviews/", views.interviews_page, name="team-interviews"),
    path("me/export/", views.my_data_export, name="team-my-data"),
]
