"""Use cases of the planning app: initiatives, teams, scoring, trade-offs, the optimal portfolio, scenarios and
the roadmap — one module per use case, re-exported here (``from headway.planning import services``).

Every face (CLI, API, web, Python) calls these functions. Reads need ``Perm.VIEW_WORKSPACE``; proposing and
scoring ideas ``Perm.EDIT_IDEAS``; teams, scoring setups, scenarios and the roadmap ``Perm.EDIT_PLANS``;
comments ``Perm.COMMENT``. ``actor=None`` is the system (the CLI operator, the demo builder).
"""

from __future__ import annotations

from headway.planning.services._common import MAX_QUARTERS, OPEN_STAGES
from headway.planning.services.detail import (
    AttachedLink,
    CommentNote,
    CurrentScore,
    DemandEvidence,
    DependencyLink,
    InitiativeDetail,
    StageStep,
    initiative_detail,
)
from headway.planning.services.imports import ImportedRow, ImportReport, import_csv
from headway.planning.services.initiatives import (
    INITIATIVE_FIELDS,
    add_attachment,
    add_comment,
    add_dependency,
    cost,
    create_initiative,
    delete_initiative,
    effort_weeks,
    get_initiative,
    idea_form_choices,
    list_initiatives,
    remove_dependency,
    save_idea,
    set_stage,
    update_initiative,
)
from headway.planning.services.inputs import (
    DERIVED,
    INPUTS,
    impact_from_kpi,
    known_fields,
    reach_from_analytics,
    score_fields,
    set_inputs,
    set_kano,
)
from headway.planning.services.links import goals_in_use, resolve_goal, resolve_kpi
from headway.planning.services.portfolio import (
    ConstraintUse,
    LeftOut,
    NamedInitiative,
    OptimisedPlan,
    PlanItem,
    PlanRequest,
    WhatIfPlan,
    build_portfolio,
    certainty,
    optimise,
    plan_request,
)
from headway.planning.services.quarters import horizon, quarter_index, quarter_label, quarter_of, quarters
from headway.planning.services.roadmap import (
    AUDIENCES,
    ROADMAP_COLUMNS,
    Audience,
    CapacityRow,
    Roadmap,
    RoadmapRow,
    capacity,
    export_csv,
    export_markdown,
    place,
    roadmap,
    unplace,
)
from headway.planning.services.scenarios import (
    ComparedInitiative,
    ScenarioComparison,
    ScenarioSummary,
    apply_scenario,
    compare_scenarios,
    delete_scenario,
    get_scenario,
    list_scenarios,
    save_scenario,
)
from headway.planning.services.scoring import (
    BACKLOG_SORTS,
    BacklogRow,
    ScoreRun,
    backlog,
    compute_score,
    get_scoring_model,
    latest_scores,
    list_scoring_models,
    save_scoring_model,
    score_all,
    score_history,
    score_one,
    stale_flags,
)
from headway.planning.services.teams import get_team, list_teams, save_team
from headway.planning.services.tradeoffs import (
    MIX_KINDS,
    MixRow,
    TradeoffPoint,
    initiative_ids,
    mix,
    mix_kind,
    mix_of,
    parse_mix,
    tradeoffs,
)

__all__ = [
    "AUDIENCES", "BACKLOG_SORTS", "DERIVED", "INITIATIVE_FIELDS", "INPUTS", "MAX_QUARTERS", "MIX_KINDS",
    "OPEN_STAGES", "ROADMAP_COLUMNS",
    "AttachedLink", "Audience", "BacklogRow", "CapacityRow", "CommentNote", "ComparedInitiative", "ConstraintUse",
    "CurrentScore", "DemandEvidence", "DependencyLink", "ImportReport", "ImportedRow", "InitiativeDetail", "LeftOut",
    "MixRow", "NamedInitiative", "OptimisedPlan", "PlanItem", "PlanRequest", "Roadmap", "RoadmapRow",
    "ScenarioComparison", "ScenarioSummary", "ScoreRun", "StageStep", "TradeoffPoint", "WhatIfPlan",
    "add_attachment", "add_comment", "add_dependency", "apply_scenario", "backlog", "build_portfolio", "capacity",
    "certainty", "compare_scenarios", "compute_score", "cost", "create_initiative", "delete_initiative",
    "delete_scenario", "effort_weeks", "export_csv", "export_markdown", "get_initiative", "get_scenario",
    "get_scoring_model", "get_team", "goals_in_use", "horizon", "idea_form_choices", "impact_from_kpi",
    "import_csv", "initiative_detail", "initiative_ids", "known_fields", "latest_scores", "list_initiatives",
    "list_scenarios", "list_scoring_models", "list_teams", "mix", "mix_kind", "mix_of", "optimise", "parse_mix",
    "place", "plan_request", "quarter_index", "quarter_label", "quarter_of", "quarters", "reach_from_analytics",
    "remove_dependency", "resolve_goal", "resolve_kpi", "roadmap", "save_idea", "save_scenario",
    "save_scoring_model", "save_team", "score_all", "score_fields", "score_history", "score_one", "set_inputs",
    "set_kano", "set_stage", "stale_flags", "tradeoffs", "unplace", "update_initiative",
]
