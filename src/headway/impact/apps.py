from datetime import date, datetime
from typing import Any

from django.apps import AppConfig


def _day(value: Any) -> date | None:
    """A date from a date, a datetime or ISO text (None stays None)."""
    if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
        return value
    if isinstance(value, datetime):
        return value.date()
    return date.fromisoformat(str(value)[:10])


def _chart_markers(actor: Any, kpi: str | None, date_from: Any, date_to: Any) -> list[Any]:
    """Release markers and annotations for the KPI and trends charts (see headway.web.charts)."""
    from headway.core.errors import HeadwayError
    from headway.impact import services
    from headway.web.charts import ChartMarker

    try:
        found = services.markers(actor, kpi=kpi, date_from=_day(date_from), date_to=_day(date_to))
    except HeadwayError:  # a reader without access sees the chart without markers
        return []
    return [ChartMarker(date=m.date.isoformat(), text=m.text, kind=m.kind) for m in found]


def _scoring_hints(actor: Any) -> list[str]:
    """The calibration's suggested correction, once enough bets are measured (see headway.web.hints)."""
    from headway.core.errors import HeadwayError
    from headway.impact import services

    try:
        found = services.calibration(actor)
    except HeadwayError:
        return []
    return [f"Calibration of past bets: {found.suggestion}"] if found.median_ratio is not None and found.ratios >= 3 \
        else []


class ImpactConfig(AppConfig):
    name = "headway.impact"
    label = "impact"
    verbose_name = "Impact"

    def ready(self) -> None:
        """Draw release markers and annotations on every KPI and trends chart; advise the scoring inputs."""
        from headway.web.charts import register_marker_source
        from headway.web.hints import register_scoring_hints

        register_marker_source(_chart_markers)
        register_scoring_hints(_scoring_hints)
