"""The pure strategy engine: KPI forecasts, backtests, status against targets, alerts and breakdowns.

Plain values in, dataclasses out; no Django. Measured in benchmarks/RESULTS.md ("KPI forecasting").
"""

from headway.strategy.engine.alerts import (
    Alert,
    Band,
    Breakdown,
    detect_anomalies,
    detect_anomaly,
    expected_band,
    explain_change,
    status_alert,
)
from headway.strategy.engine.backtest import BacktestResult, backtest
from headway.strategy.engine.forecast import Forecast, forecast
from headway.strategy.engine.series import Series, aggregate, regular
from headway.strategy.engine.status import KpiStatus, kpi_status

__all__ = [
    "Alert",
    "BacktestResult",
    "Band",
    "Breakdown",
    "Forecast",
    "KpiStatus",
    "Series",
    "aggregate",
    "backtest",
    "detect_anomalies",
    "detect_anomaly",
    "expected_band",
    "explain_change",
    "forecast",
    "kpi_status",
    "regular",
    "status_alert",
]
