"""The team's use cases: people and the org, the career ladder, check-ins, 360 reviews and their results,
promotion readiness, job descriptions and personal data.

Every face (CLI, API, web, Python) and every other app calls these functions; each checks the actor's
permission (``actor=None`` is the system: the CLI operator, the demo builder). One module per noun:

* :mod:`.people` — people, the reporting hierarchy, the org tree and chart, spans of control;
* :mod:`.access` — who may see whose data (the management chain);
* :mod:`.ladders` — the career ladder and its versions;
* :mod:`.checkins` — check-in pairs, agenda, actions, overdue check-ins;
* :mod:`.due` — what a person owes today (check-ins, reviews to write, nominations to decide);
* :mod:`.reviews` — review cycles, nominations and responses;
* :mod:`.review_reports` — progress, anonymous results, calibration and the nine-box;
* :mod:`.reminders` — who is missing in a collecting cycle (counts, never names) and reminders to them;
* :mod:`.readiness` — promotion readiness;
* :mod:`.jobs` — job descriptions;
* :mod:`.interviews` — interview kits from a job's level, independent scorecards, the debrief;
* :mod:`.privacy` — a person's data export and its deletion on request.

The most used names are re-exported here (``services.list_people``); the rest are reached through their
module (``services.jobs.export``), whose generic names (``edit``, ``export``, ``advance``) read best there.
"""

from __future__ import annotations

from headway.team.services import (
    access,
    checkins,
    due,
    interviews,
    jobs,
    ladders,
    people,
    privacy,
    readiness,
    reminders,
    review_reports,
    reviews,
)
from headway.team.services.access import person_of
from headway.team.services.checkins import (
    OverdueLine,
    PairReport,
    PairView,
    add_action_item,
    add_agenda_item,
    complete_action,
    create_pair,
    end_pair,
    list_pairs,
    overdue_data,
    pair_data,
    pair_summaries,
    pair_view,
    pairs_of_person,
    record_checkin,
    set_cadence,
)
from headway.team.services.due import DueItem, due_for
from headway.team.services.jobs import JobDetail, JobText, job_data, list_jobs
from headway.team.services.ladders import current_ladder, edit_ladder, ensure_ladder, ladder_at, list_versions
from headway.team.services.people import (
    PERSON_FIELDS,
    PersonName,
    SpanOfControl,
    SpanReport,
    create_person,
    get_person,
    list_people,
    move,
    org_chart,
    org_tree,
    reporting_chain,
    spans_of_control,
    update_person,
)
from headway.team.services.privacy import ErasedData, PersonalData, delete_person_data, export_person_data
from headway.team.services.readiness import ReadinessReport, promotion_readiness, readiness_data
from headway.team.services.review_reports import (
    NineBoxReport,
    ReviewProgressLine,
    ReviewResults,
    calibrate,
    nine_box,
    nine_box_data,
    progress_data,
    results_data,
    visible_reviews,
)
from headway.team.services.reviews import (
    CycleDetail,
    CycleSummary,
    create_cycle,
    cycle_data,
    cycle_detail,
    get_cycle,
    list_cycles,
    list_nominations,
    my_assignments,
    nominate,
    respond,
    set_threshold,
)

__all__ = [
    "PERSON_FIELDS",
    "CycleDetail",
    "CycleSummary",
    "DueItem",
    "ErasedData",
    "JobDetail",
    "JobText",
    "NineBoxReport",
    "OverdueLine",
    "PairReport",
    "PairView",
    "PersonName",
    "PersonalData",
    "ReadinessReport",
    "ReviewProgressLine",
    "ReviewResults",
    "SpanOfControl",
    "SpanReport",
    "access",
    "add_action_item",
    "add_agenda_item",
    "calibrate",
    "checkins",
    "complete_action",
    "create_cycle",
    "create_pair",
    "create_person",
    "current_ladder",
    "cycle_data",
    "cycle_detail",
    "delete_person_data",
    "due",
    "due_for",
    "edit_ladder",
    "end_pair",
    "ensure_ladder",
    "export_person_data",
    "get_cycle",
    "get_person",
    "interviews",
    "job_data",
    "jobs",
    "ladder_at",
    "ladders",
    "list_cycles",
    "list_jobs",
    "list_nominations",
    "list_pairs",
    "list_people",
    "list_versions",
    "move",
    "my_assignments",
    "nine_box",
    "nine_box_data",
    "nominate",
    "org_chart",
    "org_tree",
    "overdue_data",
    "pair_data",
    "pair_summaries",
    "pair_view",
    "pairs_of_person",
    "people",
    "person_of",
    "privacy",
    "progress_data",
    "promotion_readiness",
    "readiness",
    "readiness_data",
    "record_checkin",
    "reminders",
    "reporting_chain",
    "respond",
    "results_data",
    "review_reports",
    "reviews",
    "set_cadence",
    "set_threshold",
    "spans_of_control",
    "update_person",
    "visible_reviews",
]
