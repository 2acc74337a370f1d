"""Step 2 of 3: turn the old text references into links to rows.

``goal_ref`` held a goal's title and ``kpi_ref`` a KPI's name; the idea page, the optimiser's goal cover and impact
from the KPI matched them by name. Here each reference is looked up once among the workspace's goals and KPIs
(Headway holds one workspace, so every goal and KPI is the idea's own):

- a goal by its exact title, else by its title ignoring case and surrounding spaces; when several goals share the
  title, the newest one (highest id) is linked, the one the idea page used to link to;
- a KPI by its exact name, else by its name or label ignoring case, when exactly one KPI matches.

A reference that names no goal or KPI (a typo, a deleted or renamed goal, a free-text note) is LEFT UNLINKED: the
idea keeps no goal or KPI, and the text, dropped with the text fields in step 3, is kept as a comment on the idea
(by "migration") that says what it named and how to link it (`headway idea link ID --goal ID --kpi NAME`). Going back (unapplying) writes the linked goal's
title and KPI's name into the text fields again.
"""

from django.db import migrations


def _goal_for(goals, ref):
    text = (ref or "").strip()
    if not text:
        return None
    return (goals.filter(title=ref).order_by("-pk").first()
            or goals.filter(title__iexact=text).order_by("-pk").first())


def _kpi_for(kpis, ref):
    text = (ref or "").strip()
    if not text:
        return None
    exact = kpis.filter(name=ref).first()
    if exact is not None:
        return exact
    for lookup in ({"name__iexact": text}, {"label__iexact": text}):
        found = list(kpis.filter(**lookup)[:2])
        if len(found) == 1:
            return found[0]
    return None


def link_text_refs(apps, schema_editor):
    """Link every initiative to the goal and KPI its text references name; unknown names stay unlinked."""
    Initiative = apps.get_model("planning", "Initiative")
    Comment = apps.get_model("planning", "Comment")
    Goal = apps.get_model("strategy", "Goal")
    Kpi = apps.get_model("strategy", "Kpi")
    goals, kpis = Goal.objects.all(), Kpi.objects.all()
    for initiative in Initiative.objects.exclude(goal_ref="", kpi_ref="").only("pk", "goal_ref", "kpi_ref"):
        goal = _goal_for(goals, initiative.goal_ref)
        kpi = _kpi_for(kpis, initiative.kpi_ref)
        if goal is not None or kpi is not None:
            Initiative.objects.filter(pk=initiative.pk).update(goal=goal, kpi=kpi)
        unknown = [f"{what} {ref.strip()!r}" for what, ref, row in (("goal", initiative.goal_ref, goal),
                                                                     ("KPI", initiative.kpi_ref, kpi))
                   if ref.strip() and row is None]
        if unknown:
            Comment.objects.create(
                initiative_id=initiative.pk, author_label="migration",
                body=f"This idea named {' and '.join(unknown)}, which matched no goal or KPI when goals and KPIs "
                     f"became links, so it is not linked: link it with `headway idea link {initiative.pk} --goal "
                     "ID --kpi NAME` or the idea form.")


def unlink_to_text_refs(apps, schema_editor):
    """The way back: the linked goal's title and KPI's name as text references."""
    Initiative = apps.get_model("planning", "Initiative")
    for initiative in Initiative.objects.exclude(goal=None, kpi=None).select_related("goal", "kpi"):
        Initiative.objects.filter(pk=initiative.pk).update(
            goal_ref=initiative.goal.title[:120] if initiative.goal else "",
            kpi_ref=initiative.kpi.name[:120] if initiative.kpi else "")


class Migration(migrations.Migration):

    dependencies = [
        ('planning', '0003_initiative_goal_kpi'),
        ('strategy', '0001_initial'),
    ]

    operations = [
        migrations.RunPython(link_text_refs, unlink_to_text_refs),
    ]
