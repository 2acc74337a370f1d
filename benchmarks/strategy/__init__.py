"""KPI forecasting benchmark: rolling-origin backtests of Headway's forecaster against seasonal-naive.

``python -m benchmarks strategy`` (or ``python -m benchmarks.strategy``); ``--peer`` adds statsmodels'
Holt-Winters (``ExponentialSmoothing``, additive damped trend and season) as a named peer.

Series (each with its seasonal period):

* ``demo-like``: the deterministic daily KPI of :func:`headway.strategy.engine.synthetic.demo_like_kpi`
  (growth, weekly rhythm, noise, a +20% launch mid-period), period 7;
* ``co2``: weekly CO₂ at Mauna Loa 1958–2001 (``statsmodels.datasets.co2``, 59 missing weeks), period 52;
* ``elec_equip``: monthly euro-area electrical equipment orders 1995–2016 (``statsmodels.datasets.elec_equip``), period 12;
* ``elnino``: monthly Pacific sea surface temperature 1950–2010 (``statsmodels.datasets.elnino``), period 12.

The bar (exit status 0): MASE below 1 on the synthetic KPI and on at least one real series.
Prints a Markdown table for benchmarks/RESULTS.md and writes benchmarks/out/strategy_forecast.json.
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from headway.strategy.engine.backtest import Prediction, backtest, ets_forecaster, seasonal_naive_forecaster
from headway.strategy.engine.ets import z_value
from headway.strategy.engine.series import regular
from headway.strategy.engine.synthetic import demo_like_kpi

OUT = Path(__file__).resolve().parent.parent / "out"


@dataclass(frozen=True)
class Case:
    name: str
    values: list[float]
    period: int
    horizon: int
    folds: int


def _statsmodels_cases() -> list[Case]:
    from statsmodels.datasets import co2, elec_equip, elnino

    co2_data = co2.load_pandas().data
    weekly = regular(list(co2_data["co2"]), [d.date() for d in co2_data.index], "week")
    orders = elec_equip.load_pandas().data
    nino = elnino.load_pandas().data
    months = [name for name in nino.columns if name != "YEAR"]
    temperatures = [float(row[m]) for _, row in nino.iterrows() for m in months]
    return [
        Case("co2 (weekly)", weekly.values, 52, 13, 8),
        Case("elec_equip (monthly)", [float(v) for v in orders.iloc[:, 0]], 12, 12, 5),
        Case("elnino (monthly)", temperatures, 12, 12, 5),
    ]


def cases() -> list[Case]:
    """Every benchmark series, the synthetic one first."""
    kpi = demo_like_kpi()
    return [Case("demo-like KPI (daily, synthetic)", kpi.values, 7, 14, 6), *_statsmodels_cases()]


def statsmodels_forecaster(history: list[float], horizon: int, period: int, level: float) -> Prediction:
    """statsmodels' Holt-Winters (additive damped trend, additive season) with its simulated intervals;
    it takes no missing values, so gaps are interpolated linearly first."""
    import numpy as np
    import pandas as pd
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    series = pd.Series(history).interpolate(limit_direction="both")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = ExponentialSmoothing(series, trend="add", damped_trend=True, seasonal="add",
                                     seasonal_periods=period).fit()
        mean = [float(v) for v in model.forecast(horizon)]
        sims = model.simulate(horizon, repetitions=500, error="add", random_state=0)
    tail = (1 - level) / 2
    lower = [float(v) for v in np.quantile(sims, tail, axis=1)]
    upper = [float(v) for v in np.quantile(sims, 1 - tail, axis=1)]
    return Prediction(mean, lower, upper, "statsmodels ExponentialSmoothing(A,Ad,A)")


def _run(case: Case, forecaster: Callable[[list[float], int, int, float], Prediction]) -> dict[str, float]:
    started = time.perf_counter()
    result = backtest(case.values, case.horizon, case.folds, case.period, 0.8, forecaster)
    return {
        "mase": result.mase, "mase_in_sample": result.mase_in_sample, "smape": result.smape,
        "coverage": result.coverage, "seconds": time.perf_counter() - started,
        "model": result.folds[-1].model,
    }  # type: ignore[dict-item]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks strategy")
    parser.add_argument("--peer", action="store_true", help="also backtest statsmodels' Holt-Winters")
    args = parser.parse_args(argv)
    assert math.isclose(z_value(0.8), 1.2815515655446004)
    rows = []
    for case in cases():
        row = {
            "series": case.name, "slots": len(case.values), "period": case.period, "horizon": case.horizon,
            "folds": case.folds, "headway": _run(case, ets_forecaster),
            "seasonal_naive": _run(case, seasonal_naive_forecaster),
        }
        if args.peer:
            row["statsmodels"] = _run(case, statsmodels_forecaster)
        rows.append(row)
        print(f"{case.name}: MASE {row['headway']['mase']:.3f}", flush=True)  # type: ignore[index]
    print()
    peer = " | statsmodels MASE | statsmodels s" if args.peer else ""
    print(f"| series | period | horizon × folds | MASE | in-sample MASE (seasonal-naive's) | sMAPE % | 80% coverage | Headway s{peer} |")
    print("|---|---|---|---|---|---|---|---|" + ("---|---|" if args.peer else ""))
    for row in rows:
        h, n = row["headway"], row["seasonal_naive"]
        extra = f" | {row['statsmodels']['mase']:.3f} | {row['statsmodels']['seconds']:.1f}" if args.peer else ""  # type: ignore[index]
        print(
            f"| {row['series']} | {row['period']} | {row['horizon']} × {row['folds']} | **{h['mase']:.3f}** | "  # type: ignore[index]
            f"{h['mase_in_sample']:.3f} ({n['mase_in_sample']:.3f}) | {h['smape']:.2f} | {h['coverage']:.2f} | "  # type: ignore[index]
            f"{h['seconds']:.1f}{extra} |"  # type: ignore[index]
        )
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "strategy_forecast.json").write_text(json.dumps(
        {"date": date.today().isoformat(), "machine": platform.processor() or platform.machine(), "rows": rows},
        indent=2, default=str,
    ))
    # the bar: beat seasonal-naive on the synthetic KPI and on at least one real series
    beats = [row["headway"]["mase"] < 1 for row in rows]  # type: ignore[index]
    return 0 if beats[0] and any(beats[1:]) else 1
