"""Use cases of customer-feedback discovery: customers, feedback, themes, search and demand for ideas.

Every face (CLI, API, web, demo) and every other app calls these functions. ``actor=None`` is the system (the
CLI operator, the demo builder). Reading needs ``workspace.view``; adding feedback, customers, theme edits and
demand links need ``feedback.edit``; contact details (a person's email and phone) need ``contacts.view``.

One module per use case: :mod:`.accounts`, :mod:`.feedback`, :mod:`.imports`, :mod:`.import_jobs` (files
imported in the background), :mod:`.theme_runs`, :mod:`.theme_edits`, :mod:`.theme_metrics`, :mod:`.search`
and :mod:`.demand`.
"""

from headway.discovery.services.accounts import (
    ContactDetails,
    ImportResult,
    account_people,
    can_see_contacts,
    get_account,
    list_accounts,
    person_view,
    upsert_accounts,
    upsert_contacts,
)
from headway.discovery.services.demand import (
    IMPORTANCE_CHOICES,
    Demand,
    IdeaResolver,
    demand_for,
    demand_links,
    link_demand,
    list_demand,
    register_idea_resolver,
    remove_demand_links,
    unlink_demand,
)
from headway.discovery.services.feedback import (
    SOURCE_CHOICES,
    FeedbackImport,
    add_feedback,
    get_feedback,
    list_feedback,
    mark_reviewed,
)
from headway.discovery.services.import_jobs import FORMATS as FEEDBACK_FORMATS
from headway.discovery.services.import_jobs import run_feedback_import, start_feedback_import
from headway.discovery.services.imports import (
    ACCOUNT_COLUMNS,
    CONTACT_COLUMNS,
    FEEDBACK_COLUMNS,
    import_accounts_file,
    import_contacts_file,
    import_feedback_file,
    parse_mapping,
)
from headway.discovery.services.inbox import (
    INBOX_PAGE_SIZE,
    SENTIMENTS,
    InboxPage,
    InboxQuery,
    inbox_items,
    inbox_page,
    inbox_themes,
)
from headway.discovery.services.search import SearchHit, search
from headway.discovery.services.theme_edits import merge_themes, move_items, rename_theme, split_theme
from headway.discovery.services.theme_metrics import (
    ThemeAccount,
    ThemeDetail,
    ThemeMetrics,
    WeekCount,
    get_theme,
    is_emerging,
    theme_detail,
    theme_metrics,
    unthemed_count,
)
from headway.discovery.services.theme_runs import (
    get_run,
    latest_run,
    launch_theme_run,
    recover_orphaned_runs,
    run_theme_computation,
    start_theme_run,
)

__all__ = [
    "ACCOUNT_COLUMNS",
    "CONTACT_COLUMNS",
    "FEEDBACK_COLUMNS",
    "FEEDBACK_FORMATS",
    "IMPORTANCE_CHOICES",
    "INBOX_PAGE_SIZE",
    "SENTIMENTS",
    "SOURCE_CHOICES",
    "ContactDetails",
    "Demand",
    "FeedbackImport",
    "IdeaResolver",
    "ImportResult",
    "InboxPage",
    "InboxQuery",
    "SearchHit",
    "ThemeAccount",
    "ThemeDetail",
    "ThemeMetrics",
    "WeekCount",
    "account_people",
    "add_feedback",
    "can_see_contacts",
    "demand_for",
    "demand_links",
    "get_account",
    "get_feedback",
    "get_run",
    "get_theme",
    "import_accounts_file",
    "import_contacts_file",
    "import_feedback_file",
    "inbox_items",
    "inbox_page",
    "inbox_themes",
    "is_emerging",
    "latest_run",
    "launch_theme_run",
    "link_demand",
    "list_accounts",
    "list_demand",
    "list_feedback",
    "mark_reviewed",
    "merge_themes",
    "move_items",
    "parse_mapping",
    "person_view",
    "recover_orphaned_runs",
    "register_idea_resolver",
    "remove_demand_links",
    "rename_theme",
    "run_feedback_import",
    "run_theme_computation",
    "search",
    "split_theme",
    "start_feedback_import",
    "start_theme_run",
    "theme_detail",
    "theme_metrics",
    "unlink_demand",
    "unthemed_count",
    "upsert_accounts",
    "upsert_contacts",
]
