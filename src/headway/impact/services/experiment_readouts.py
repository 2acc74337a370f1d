"""An experiment's read-out: per arm exposures and metric; each treatment against the control, frequentist
(Welch, relative lift by the delta method) and Bayesian (chance to win), sequential when asked, CUPED with the
same metric over the 7 days before each person's first exposure; the sample-ratio check and Benjamini–Hochberg
over the secondary metrics. Persons exposed to several variants are excluded and counted.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.utils import timezone
from pydantic import BaseModel

from headway.core.errors import ValidationError
from headway.core.models import User
from headway.core.permissions import Perm, check
from headway.impact.models import Experiment
from headway.impact.services.experiments import MetricSpec, get_experiment

if TYPE_CHECKING:
    from headway.analytics import ExperimentData
    from headway.impact.services.readouts import ReadOut

SRM_THRESHOLD = 0.001
PRE_PERIOD_DAYS = 7
MIN_PER_ARM = 2


class ArmRow(BaseModel):
    """One arm of the primary metric: persons exposed and the metric's mean per person."""

    variant: str
    exposures: int
    mean: float
    control: bool


class MetricResult(BaseModel):
    """One treatment arm against the control on one metric."""

    metric: str
    variant: str
    mean_control: float
    mean_variant: float
    absolute_effect: float
    lift: float | None
    lower: float
    upper: float
    relative: bool
    p_value: float | None
    adjusted_p_value: float | None
    chance_to_win: float | None
    significant: bool
    cuped: bool
    variance_reduction: float | None
    sequential: bool
    note: str = ""


class ExperimentReadout(BaseModel):
    """The whole read-out of an experiment (the CLI's, the API's and the page's)."""

    name: str
    title: str
    control: str
    date_from: date
    date_to: date
    arms: list[ArmRow]
    primary: list[MetricResult]
    secondary: list[MetricResult]
    excluded: int
    srm_p_value: float | None
    srm_warning: bool
    initiative_id: int | None
    notes: list[str]


def _label(spec: MetricSpec) -> str:
    return f"{spec.event} ({spec.math}{' of ' + spec.property if spec.property else ''})"


def _compare_metric(experiment: Experiment, spec: MetricSpec, data: ExperimentData, variant: str) -> MetricResult:
    from headway.impact.engine import ImpactInputError, compare

    arms, cuped = data.arms, data.cuped
    control, treated = arms[experiment.control], arms[variant]
    tuning = float(sum(a.n for a in arms.values())) if experiment.sequential else None
    use_cuped = cuped[experiment.control].pre_variance > 0 and cuped[variant].pre_variance > 0
    a, b = (cuped[experiment.control], cuped[variant]) if use_cuped else (control, treated)
    note = ""
    try:
        result = compare(a, b, relative=True, sequential_tuning=tuning)
    except ImpactInputError as exc:
        if "relative" not in exc.message:
            raise
        result = compare(a, b, relative=False, sequential_tuning=tuning)
        note = "The control's mean is 0, so the effect is absolute."
    bayes = compare(a, b, relative=result.relative, method="bayesian")
    return MetricResult(
        metric=_label(spec), variant=variant, mean_control=control.mean, mean_variant=treated.mean,
        absolute_effect=result.mean_b - result.mean_a, lift=result.effect if result.relative else None,
        lower=result.ci[0], upper=result.ci[1], relative=result.relative, p_value=result.p_value,
        adjusted_p_value=result.p_value, chance_to_win=bayes.chance_to_win, significant=result.significant,
        cuped=use_cuped, variance_reduction=result.variance_reduction, sequential=result.sequential, note=note,
    )


def _read(experiment: Experiment, spec: MetricSpec, date_to: date) -> ExperimentData:
    from headway.analytics import Filter
    from headway.analytics import services as analytics

    where = [Filter(experiment.flag_property, "eq", experiment.flag_value)] if experiment.flag_property else []
    with analytics.open_store() as store:
        data = store.experiment(
            exposure_event=experiment.exposure_event, variant_property=experiment.variant_property,
            metric_event=spec.event, math=spec.math, metric_property=spec.property or None,
            date_from=experiment.date_from, date_to=date_to, pre_period_days=PRE_PERIOD_DAYS, where=where,
        )
        # the event names are read only when the metric came out all zero (no such event is one reason)
        if all(c.sum == 0 and c.pre_sum == 0 for c in data.cuped.values()) and spec.event not in store.event_names():
            raise ValidationError(
                f"No event named {spec.event!r} in the events store, so the metric cannot be read; pick an event "
                "from `headway events stats`."
            )
        return data


def experiment_results(actor: User | None, name: str) -> ExperimentReadout:
    """Read an experiment out from the events (to its end date, or today while it runs)."""
    from headway.impact.engine import benjamini_hochberg

    experiment = get_experiment(actor, name)
    check(actor, Perm.VIEW_WORKSPACE)
    date_to = min(experiment.date_to, timezone.localdate())
    primary_spec = MetricSpec(event=experiment.metric_event, math=experiment.math,
                              property=experiment.metric_property)
    data = _read(experiment, primary_spec, date_to)
    arms = data.arms
    if not arms:
        raise ValidationError(
            f"No {experiment.exposure_event} events with a {experiment.variant_property!r} property between "
            f"{experiment.date_from} and {date_to}; check the exposure event and the variant property."
        )
    if experiment.control not in arms:
        raise ValidationError(
            f"No person saw the control variant {experiment.control!r}; the variants seen are "
            f"{', '.join(sorted(arms))}. Set the control to one of them."
        )
    treatments = [v for v in sorted(arms) if v != experiment.control]
    if not treatments:
        raise ValidationError(
            f"Only the control arm {experiment.control!r} has exposures: an experiment needs a second variant."
        )
    notes = []
    thin = [v for v, arm in arms.items() if arm.n < MIN_PER_ARM]
    if thin:
        raise ValidationError(
            f"The arm(s) {', '.join(thin)} have fewer than {MIN_PER_ARM} persons: wait for more exposures."
        )
    primary = [_compare_metric(experiment, primary_spec, data, v) for v in treatments]
    secondary: list[MetricResult] = []
    for raw in experiment.secondary:
        spec = MetricSpec.model_validate(raw)
        extra = _read(experiment, spec, date_to)
        secondary += [_compare_metric(experiment, spec, extra, v) for v in treatments if v in extra.arms]
    observed = [m.p_value for m in secondary if m.p_value is not None]
    if observed:
        adjusted = iter(benjamini_hochberg(observed))
        secondary = [m.model_copy(update={"adjusted_p_value": next(adjusted)}) if m.p_value is not None else m
                     for m in secondary]
        notes.append("Secondary metrics' p-values are adjusted by Benjamini–Hochberg.")
    srm = data.srm_p_value
    if data.excluded:
        notes.append(f"{data.excluded} person(s) saw more than one variant and are left out.")
    warning = srm is not None and srm < SRM_THRESHOLD
    if warning:
        notes.append("Sample ratio mismatch: the arms' sizes differ more than chance allows; check the assignment "
                     "before trusting the results.")
    rows = [ArmRow(variant=v, exposures=data.exposures[v], mean=arms[v].mean, control=v == experiment.control)
            for v in sorted(arms)]
    return ExperimentReadout(
        name=experiment.name, title=experiment.title, control=experiment.control, date_from=experiment.date_from,
        date_to=date_to, arms=rows, primary=primary, secondary=secondary, excluded=data.excluded,
        srm_p_value=srm, srm_warning=warning, initiative_id=experiment.initiative_id, notes=notes,
    )


def initiative_readout_from_experiment(actor: User | None, experiment: Experiment, title: str, expected_impact: str,
                                       ship: date, days: int) -> ReadOut:
    """The read-out of an initiative from its linked experiment's primary metric (the first treatment arm)."""
    from headway.impact.services.readouts import METHOD_WORDS, ReadOut
    from headway.impact.services.verdicts import parse_expected, verdict

    result = experiment_results(actor, experiment.name)
    first = result.primary[0]
    expected = parse_expected(expected_impact)
    # the relative interval scaled back to the metric's unit (the delta method's interval is symmetric)
    width = (first.upper - first.lower) / 2 * (abs(first.mean_control) if first.relative else 1.0)
    if expected is not None and expected.relative and first.relative:
        lo, hi = first.lower, first.upper
    else:
        lo, hi = first.absolute_effect - width, first.absolute_effect + width
    judged = verdict(lo, hi, expected.value if expected else None)
    n = sum(a.exposures for a in result.arms if a.variant in (first.variant, result.control))
    return ReadOut(
        initiative_id=experiment.initiative_id or 0, title=title, kpi=first.metric, method="experiment",
        method_words=METHOD_WORDS["experiment"], correlational=False, shipped_on=ship,
        days=max(1, (result.date_to - result.date_from).days + 1),
        average_effect=first.absolute_effect, lower=first.absolute_effect - width,
        upper=first.absolute_effect + width, cumulative_effect=first.absolute_effect * n,
        cumulative_lower=(first.absolute_effect - width) * n, cumulative_upper=(first.absolute_effect + width) * n,
        relative_effect=first.lift, p_value=first.p_value, chance_to_win=first.chance_to_win,
        expected_impact=expected_impact, expected=expected.value if expected else None,
        expected_relative=bool(expected and expected.relative), verdict=judged,
        reason=f"Experiment {experiment.name}: {first.variant} against {result.control} on {first.metric}.",
        measured_at=timezone.now().isoformat(), series=[],
    )


__all__ = ["ArmRow", "ExperimentReadout", "MetricResult", "experiment_results", "initiative_readout_from_experiment"]
