"""``headway feedback import|themes|theme|search|link|demand`` and ``headway customer import|list|show``."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import typer

from headway.cli._actor import AS_OPTION, actor
from headway.cli.console import console, print_json, print_table, progress_bar, workspace_currency
from headway.conf.bootstrap import setup_django
from headway.core.errors import ValidationError
from headway.core.formatting import money, percent

app = typer.Typer(help="Customer feedback: import it, find its themes, search it, link it to ideas.",
                  no_args_is_help=True)
customers = typer.Typer(help="Customer accounts and their people.", no_args_is_help=True)

MAP_OPTION: Any = typer.Option(None, "--map", "-m", help="FIELD=COLUMN, repeatable (e.g. text=Description).")
FORMAT_OPTION: Any = typer.Option(None, "--format", help="csv, jsonl or json (default: from the file).")
JSON_OPTION: Any = typer.Option(False, "--json", help="Print JSON instead of a table.")


def _read(path: Path) -> bytes:
    if not path.is_file():
        raise ValidationError(f"There is no file {path}: check the path.")
    return path.read_bytes()


def _money(value: float) -> str:
    return money(value, workspace_currency())


def _growth(value: float | None) -> str:
    return "new" if value is None else ("+" if value >= 0 else "") + percent(value, decimals=0)


def _spark(weekly: list[int]) -> str:
    bars = "▁▂▃▄▅▆▇█"
    top = max(weekly) if weekly else 0
    return "".join(bars[min(7, round(7 * w / top))] if top else bars[0] for w in weekly)


@app.command("import")
def import_feedback(
    file: Path = typer.Argument(..., help="A CSV or JSON Lines file of feedback (a support-ticket export works)."),
    fmt: str = FORMAT_OPTION,
    mapping: list[str] = MAP_OPTION,
    source: str = typer.Option("support", "--source", help="Source for rows without one: support, sales, "
                               "survey, review, interview or nps."),
    as_user: str = AS_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Import feedback; the whole file or nothing. New items join the nearest existing theme."""
    setup_django()
    from headway.discovery import services

    result = services.import_feedback_file(actor(as_user), _read(file), filename=file.name, fmt=fmt,
                                           mapping=services.parse_mapping(mapping), default_source=source)
    if as_json:
        print_json(result.model_dump())
        return
    console.print(f"Imported {result.rows} feedback items from {file.name}: {result.created} new, "
                  f"{result.updated} updated, {result.duplicates} near-duplicates, {result.truncated} cut for "
                  f"embedding, {result.assigned} put into existing themes, {result.accounts_created} accounts created.")


@app.command("themes")
def themes(
    compute: bool = typer.Option(False, "--compute", help="Compute the themes again first (with a progress bar)."),
    method: str = typer.Option("auto", "--method", help="auto, minilm (the ai extra) or lexical."),
    parents: bool = typer.Option(False, "--parents", help="List the parent themes instead."),
    as_of: str = typer.Option(None, "--as-of", help="Measure growth up to this day (YYYY-MM-DD); default today."),
    as_user: str = AS_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """List themes with size, trend, growth, sentiment, accounts and ARR (``--compute`` finds them first)."""
    setup_django()
    from headway.discovery import services

    who = actor(as_user)
    if compute:
        with progress_bar("finding themes") as update:
            run = services.start_theme_run(who, method=method, background=False, progress=update)
        if not as_json:
            console.print(f"{run.message} in {run.items} feedback items ({run.method}).")
    day = date.fromisoformat(as_of) if as_of else None
    rows = services.theme_metrics(who, as_of=day, parents=parents)
    if as_json:
        print_json([m.as_dict() for m in rows])
        return
    if not rows:
        console.print("No themes yet: run `headway feedback themes --compute`.")
        return
    print_table(f"Themes ({len(rows)})", ["id", "theme", "parent", "items", "last 12 weeks", "growth", "emerging",
                                          "sentiment", "accounts", "ARR"],
                [(m.id, m.label, m.parent_label, m.size, _spark(m.weekly), _growth(m.growth),
                  "yes" if m.emerging else "", f"{m.sentiment:+.2f}", m.accounts, _money(m.arr)) for m in rows])


@app.command("theme")
def theme(
    theme_id: int = typer.Argument(..., help="The theme's id (from `headway feedback themes`)."),
    as_user: str = AS_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Show one theme: its numbers, the most typical quotes and the accounts asking."""
    setup_django()
    from headway.discovery import services

    who = actor(as_user)
    detail = services.theme_detail(who, theme_id)
    quotes = [{"id": q.pk, "date": q.received_on.isoformat(), "account": q.account.name if q.account else "",
               "person": services.person_view(who, q.contact), "text": q.text} for q in detail.quotes]
    if as_json:
        print_json({**detail.metrics.as_dict(), "quotes": quotes,
                    "accounts_asking": [a.model_dump() for a in detail.accounts]})
        return
    m = detail.metrics
    console.print(f"[bold]{m.label}[/] — {m.size} items, {m.accounts} accounts, ARR {_money(m.arr)}, "
                  f"sentiment {m.sentiment:+.2f}, growth {_growth(m.growth)}{', emerging' if m.emerging else ''}")
    console.print(f"keywords: {', '.join(m.keywords)}")
    people = [services.person_view(who, q.contact) for q in detail.quotes]
    print_table("Quotes", ["id", "date", "account", "person", "email", "text"],
                [(q["id"], q["date"], q["account"], p["name"] if p else "", (p["email"] if p else None) or "",
                  q["text"]) for q, p in zip(quotes, people, strict=True)])
    print_table("Accounts asking", ["account", "segment", "plan", "ARR", "items"],
                [(a.name, a.segment, a.plan, _money(a.arr), a.items) for a in detail.accounts[:20]])


@app.command("search")
def search(
    query: str = typer.Argument(..., help="Words to look for."),
    semantic: bool = typer.Option(False, "--semantic", help="Search by meaning instead of by words."),
    limit: int = typer.Option(20, "--limit", help="How many items to show."),
    as_user: str = AS_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Search all feedback by words (BM25) or by meaning (``--semantic``)."""
    setup_django()
    from headway.discovery import services

    who = actor(as_user)
    hits = services.search(who, query, mode="semantic" if semantic else "keyword", limit=limit)
    rows = [{"score": h.score, "id": h.item.pk, "date": h.item.received_on.isoformat(),
             "theme": h.item.theme.label if h.item.theme else "", "account": h.item.account.name if h.item.account
             else "", "person": services.person_view(who, h.item.contact), "text": h.item.text} for h in hits]
    if as_json:
        print_json(rows)
        return

    def _email(hit: services.SearchHit) -> str:
        person = services.person_view(who, hit.item.contact)
        return (person["email"] if person else None) or ""

    print_table(f"{len(rows)} matches for {query!r}", ["score", "id", "date", "theme", "account", "email", "text"],
                [(r["score"], r["id"], r["date"], r["theme"], r["account"], _email(h), r["text"])
                 for r, h in zip(rows, hits, strict=True)])


@app.command("link")
def link(
    idea: str = typer.Argument(..., help="An initiative id (12 or initiative:12) or a short idea reference."),
    theme_id: int = typer.Option(None, "--theme", help="Link this whole theme."),
    item_id: int = typer.Option(None, "--item", help="Link this one feedback item."),
    importance: str = typer.Option("important", "--importance", help="nice_to_have, important or critical."),
    as_user: str = AS_OPTION,
) -> None:
    """Link feedback (a theme or one item) to an idea; prints the idea's new demand score."""
    setup_django()
    from headway.discovery import services

    who = actor(as_user)
    made = services.link_demand(who, idea, importance=importance, item_id=item_id, theme_id=theme_id)
    demand = services.demand_for(made.idea_ref, actor=who)
    console.print(f"{made.idea_ref}: demand score {demand.score} from {demand.accounts} accounts "
                  f"(ARR {_money(demand.arr)}) and {demand.items} feedback items.")


@app.command("demand")
def demand(
    idea: str = typer.Argument(None, help="One idea (leave out to list every idea with linked feedback)."),
    as_user: str = AS_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Show the demand for ideas: score, accounts, ARR and feedback items linked."""
    setup_django()
    from headway.discovery import services

    who = actor(as_user)
    rows = [services.demand_for(idea, actor=who)] if idea else services.list_demand(who)
    if as_json:
        print_json([d.model_dump() for d in rows])
        return
    print_table("Demand", ["idea", "score", "accounts", "ARR", "items", "links"],
                [(d.idea_ref, d.score, d.accounts, _money(d.arr), d.items, d.links) for d in rows])


@customers.command("import")
def import_customers(
    file: Path = typer.Argument(..., help="A CSV or JSON Lines file of accounts (or people with --people)."),
    people: bool = typer.Option(False, "--people", help="The file lists people (name, email, phone, account)."),
    fmt: str = FORMAT_OPTION,
    mapping: list[str] = MAP_OPTION,
    as_user: str = AS_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Import accounts (or their people); rows with a known external id update it. All or nothing."""
    setup_django()
    from headway.discovery import services

    load = services.import_contacts_file if people else services.import_accounts_file
    result = load(actor(as_user), _read(file), filename=file.name, fmt=fmt, mapping=services.parse_mapping(mapping))
    if as_json:
        print_json(result.model_dump())
        return
    what = "people" if people else "accounts"
    console.print(f"Imported {result.rows} {what} from {file.name}: {result.created} created, {result.updated} updated.")


@customers.command("list")
def list_customers(
    segment: str = typer.Option(None, "--segment", help="Only this segment."),
    as_json: bool = JSON_OPTION,
) -> None:
    """List accounts with segment, plan, ARR, owner and their number of feedback items."""
    setup_django()
    from headway.discovery import services

    accounts = list(services.list_accounts(None, segment=segment))
    rows = [{"id": a.pk, "name": a.name, "external_id": a.external_id, "segment": a.segment, "plan": a.plan,
             "arr": a.arr, "owner": a.owner, "feedback": getattr(a, "feedback_count", 0)} for a in accounts]
    if as_json:
        print_json(rows)
        return
    print_table(f"Accounts ({len(rows)})", ["id", "name", "external id", "segment", "plan", "ARR", "owner",
                                            "feedback"],
                [(a.pk, a.name, a.external_id, a.segment, a.plan, _money(a.arr), a.owner,
                  getattr(a, "feedback_count", 0)) for a in accounts])


@customers.command("show")
def show_customer(
    account_id: int = typer.Argument(..., help="The account's id."),
    as_user: str = AS_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Show an account and its people (email and phone only for product leaders and admins)."""
    setup_django()
    from headway.discovery import services

    who = actor(as_user)
    account = services.get_account(who, account_id)
    people = services.account_people(who, account)
    if as_json:
        print_json({"id": account.pk, "name": account.name, "segment": account.segment, "plan": account.plan,
                    "arr": account.arr, "mrr": account.mrr, "owner": account.owner, "people": people})
        return
    console.print(f"[bold]{account.name}[/] ({account.segment or 'no segment'}, {account.plan or 'no plan'}) "
                  f"ARR {_money(account.arr)}, owner {account.owner or '—'}")
    print_table("People", ["name", "title", "email", "phone"],
                [(p["name"], p["title"], p["email"] or "hidden", p["phone"] or "hidden") for p in people])
