"""Parity between the JSON API and the web app (issue 14, point 1): every write operation of the API that a
person would do has a web form or control. ``WEB`` names the web route (URL name) of each; ``API_ONLY`` gives the
reason an operation has none; ``MISSING`` lists, honestly, the person-facing operations whose web form is still
to be built. ``tests/web/test_parity.py`` fails when an API write is in none of them, when a route does not
exist, or when ``MISSING`` changes without this file saying so.
"""

from __future__ import annotations

#: "METHOD /api/v1/path" -> the web route (a URL name) that does the same for a person.
WEB: dict[str, str] = {
    "PATCH /api/v1/workspace": "settings",
    "POST /api/v1/users": "settings-users",
    "PUT /api/v1/users/{username}/role": "settings-users",
    "POST /api/v1/tokens": "settings-tokens",
    "DELETE /api/v1/tokens/{token_id}": "settings-tokens",
    "POST /api/v1/team/people": "team",
    "PATCH /api/v1/team/people/{person_id}": "team-person",
    "PUT /api/v1/team/people/{person_id}/manager": "team-person",
    "POST /api/v1/team/checkins": "team-checkins",
    "POST /api/v1/team/ladder/edits": "team-ladder",
    "POST /api/v1/team/checkins/{pair_id}/agenda": "team-pair",
    "POST /api/v1/team/checkins/{pair_id}/actions": "team-pair",
    "POST /api/v1/team/checkins/{pair_id}/checkins": "team-pair",
    "POST /api/v1/team/reviews/cycles": "team-reviews",
    "POST /api/v1/team/reviews/cycles/{cycle_id}/advance": "team-cycle",
    "POST /api/v1/team/reviews/cycles/{cycle_id}/reviewees/{person_id}/nominations": "team-cycle",
    "POST /api/v1/team/reviews/nominations/{nomination_id}/decision": "team-cycle",
    "POST /api/v1/team/reviews/nominations/{nomination_id}/response": "team-respond",
    "PUT /api/v1/team/reviews/cycles/{cycle_id}/reviewees/{person_id}/calibration": "team-cycle",
    "POST /api/v1/team/jds": "team-jobs",
    "PATCH /api/v1/team/jds/{job_id}": "team-job",
    "POST /api/v1/planning/initiatives": "roadmap-idea-new",
    "PATCH /api/v1/planning/initiatives/{initiative_id}": "roadmap-idea-edit",
    "POST /api/v1/planning/initiatives/{initiative_id}/dependencies": "roadmap-idea",
    "DELETE /api/v1/planning/initiatives/{initiative_id}/dependencies/{target_id}": "roadmap-idea",
    "POST /api/v1/planning/initiatives/{initiative_id}/comments": "roadmap-idea",
    "POST /api/v1/planning/initiatives/{initiative_id}/attachments": "roadmap-idea",
    "PUT /api/v1/planning/initiatives/{initiative_id}/inputs": "roadmap-idea",
    "POST /api/v1/planning/scoring": "roadmap-scoring",
    "POST /api/v1/planning/scoring/run": "roadmap-scoring",
    "POST /api/v1/planning/optimise": "roadmap-optimise",
    "POST /api/v1/planning/optimise/runs": "roadmap-optimise",
    "PUT /api/v1/planning/roadmap/{initiative_id}": "roadmap-idea-edit",
    "DELETE /api/v1/planning/roadmap/{initiative_id}": "roadmap-idea-edit",
    # planning's teams, deletion, evidence, imports and scenarios (issue 14, point 1)
    "PUT /api/v1/planning/teams/{name}": "roadmap-teams",
    "DELETE /api/v1/planning/initiatives/{initiative_id}": "roadmap-idea-delete",
    "POST /api/v1/planning/initiatives/{initiative_id}/reach": "roadmap-idea",
    "POST /api/v1/planning/initiatives/{initiative_id}/impact": "roadmap-idea",
    "POST /api/v1/planning/initiatives/import": "roadmap-import",
    "DELETE /api/v1/planning/scenarios/{name}": "roadmap-scenario",
    "POST /api/v1/planning/scenarios/{name}/apply": "roadmap-scenario",
    "POST /api/v1/analytics/events/import": "insights-import",
    "POST /api/v1/analytics/insights/trends": "insights-result",
    "POST /api/v1/analytics/insights/funnel": "insights-behaviour",
    "POST /api/v1/analytics/insights/retention": "insights-behaviour",
    "POST /api/v1/analytics/insights/stickiness": "insights-behaviour",
    "POST /api/v1/analytics/insights/lifecycle": "insights-behaviour",
    "POST /api/v1/analytics/insights/paths": "insights-behaviour",
    "POST /api/v1/analytics/insights/{kind}/persons": "insights-persons",
    "POST /api/v1/analytics/insights": "insights-save",
    "PATCH /api/v1/analytics/insights/{insight_id}": "insights-change",
    "DELETE /api/v1/analytics/insights/{insight_id}": "insights-change",
    "POST /api/v1/strategy/goals": "goals-new",
    "PATCH /api/v1/strategy/goals/{goal_id}": "goals-edit",
    "POST /api/v1/strategy/kpis": "goals-kpi-new",
    "POST /api/v1/strategy/kpis/refresh": "goals-kpis-refresh",
    "PUT /api/v1/strategy/kpis/{name}/targets": "goals-kpi",
    "POST /api/v1/strategy/kpis/{name}/targets/import": "goals-kpi-import",
    "POST /api/v1/strategy/kpis/{name}/values/import": "goals-kpi-import",
    "POST /api/v1/strategy/alerts/{alert_id}/acknowledge": "goals-alerts",
    "PUT /api/v1/strategy": "goals-strategy",
    "POST /api/v1/strategy/areas": "goals-areas",
    "PATCH /api/v1/strategy/areas/{name}": "goals-area-change",
    "DELETE /api/v1/strategy/areas/{name}": "goals-area-change",
    "POST /api/v1/discovery/feedback": "feedback-add",
    "POST /api/v1/discovery/feedback/demand": "feedback-demand",
    "POST /api/v1/discovery/feedback/reviewed": "feedback-reviewed",
    "PATCH /api/v1/discovery/feedback/themes/{theme_id}": "feedback-rename",
    "POST /api/v1/discovery/feedback/themes/{theme_id}/merge": "feedback-merge",
    "POST /api/v1/discovery/feedback/themes/{theme_id}/split": "feedback-split",
    "POST /api/v1/discovery/feedback/themes/{theme_id}/items": "feedback-move",
    "POST /api/v1/discovery/feedback/runs": "feedback-run-start",

    # account lifecycle (issue 15)
    "POST /api/v1/me/password": "settings-password",
    "PUT /api/v1/users/{username}/password": "settings-users",
    "POST /api/v1/users/{username}/deactivate": "settings-users",
    "POST /api/v1/users/{username}/reactivate": "settings-users",
    "DELETE /api/v1/admin/tokens/{token_id}": "settings-users",
    # impact (issue 16)
    "POST /api/v1/impact/annotations": "impact",
    "DELETE /api/v1/impact/annotations/{annotation_id}": "impact",
    "POST /api/v1/impact/experiments": "impact-experiments",
    "POST /api/v1/impact/initiatives/{initiative_id}/readout": "impact-readout",
    # reports (issue 17)
    "POST /api/v1/reports/packs": "reports-create",
    "PATCH /api/v1/reports/packs/{pack_id}": "reports-pack-action",
    "POST /api/v1/reports/packs/{pack_id}/send": "reports-pack-action",
    "POST /api/v1/reports/shares": "reports-pack-action",
    "POST /api/v1/reports/channels": "settings-channels",
    "DELETE /api/v1/reports/channels/{name}": "settings-channels",
    "POST /api/v1/reports/channels/{name}/test": "settings-channels",
    "POST /api/v1/reports/subscriptions": "reports-subscribe",
    "DELETE /api/v1/reports/subscriptions/{subscription_id}": "reports-unsubscribe-one",
    "POST /api/v1/reports/shares/{share_id}/revoke": "reports-share-revoke",
    # hiring and interviews (issue 18)
    "PUT /api/v1/planning/roles": "roadmap-hiring",
    "DELETE /api/v1/planning/roles/{role_id}": "roadmap-hiring",
    "PUT /api/v1/planning/teams/{name}/attrition": "roadmap-hiring",
    "POST /api/v1/planning/hiring": "roadmap-hiring",
    "POST /api/v1/planning/hiring/{opening_id}/approve": "roadmap-hiring",
    "POST /api/v1/planning/hiring/{opening_id}/open": "roadmap-hiring",
    "POST /api/v1/planning/hiring/{opening_id}/fill": "roadmap-hiring",
    "POST /api/v1/planning/hiring/{opening_id}/cancel": "roadmap-hiring",
    "POST /api/v1/team/jobs/{job_id}/kit": "team-interviews",
    "POST /api/v1/team/jobs/{job_id}/scorecards": "team-interviews",
    "POST /api/v1/team/scorecards/{scorecard_id}/submit": "team-interviews",
    # cohort builder and metric catalogue (issue 14)
    "POST /api/v1/analytics/cohorts": "insights-cohorts",
    "PATCH /api/v1/analytics/cohorts/{cohort_id}": "insights-cohort",
    "DELETE /api/v1/analytics/cohorts/{cohort_id}": "insights-cohort-delete",
    "PUT /api/v1/analytics/metrics": "insights-metrics",
    "POST /api/v1/strategy/kpis/{name}/values": "goals-kpi",
    "POST /api/v1/discovery/feedback/import": "feedback-import",
    # team controls (issue 14, points 1 and 5)
    "PUT /api/v1/team/reviews/threshold": "team-review-threshold",
    "POST /api/v1/team/reviews/cycles/{cycle_id}/reviewees": "team-cycle-reviewees",
    "POST /api/v1/team/reviews/cycles/{cycle_id}/reminders": "team-cycle-remind",
    "PATCH /api/v1/team/checkins/{pair_id}": "team-pair-cadence",
    "POST /api/v1/team/checkins/{pair_id}/end": "team-pair-end",
    "DELETE /api/v1/team/people/{person_id}/data": "team-person-erase",
    "DELETE /api/v1/team/candidates/{name}/data": "team-candidate-erase",
}

#: "METHOD /api/v1/path" -> why a person never needs it in the browser.
API_ONLY: dict[str, str] = {
    "POST /api/v1/analytics/events": "events come from the product's own tracking (SDKs, pipelines), not from a "
                                     "person; a person imports a file on the Insights page",
    "POST /api/v1/analytics/metrics/{name}/compute": "a query for other systems; a person sees a metric's values "
                                                     "through its KPI and the Insights page",
    "POST /api/v1/discovery/accounts": "accounts are synchronised from the CRM by a machine",
    "POST /api/v1/discovery/accounts/people": "account contacts are synchronised from the CRM by a machine",
}

#: Person-facing API writes whose web form is still to be built (issue 14, point 1): the list only shrinks.
MISSING: frozenset[str] = frozenset({
})
