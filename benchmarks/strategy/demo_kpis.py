"""Backtest the forecaster on the demo company's own KPIs (the series the dashboard forecasts).

``HEADWAY_HOME=$(mktemp -d) python -m benchmarks.strategy.demo_kpis`` builds the demo (it wipes the
installation HEADWAY_HOME points at), then backtests every KPI computed from events: 6 folds of 14 days,
period 7, MASE against seasonal-naive on the same windows (< 1 beats it) and the classic in-sample MASE.
"""

from __future__ import annotations

import math
import os
import sys
from datetime import date


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "headway.conf.settings")
    from headway.conf.bootstrap import setup_django

    setup_django()
    from headway.demo.builder import build_demo
    from headway.strategy.engine.backtest import backtest
    from headway.strategy.models import Kpi, KpiValue

    build_demo(seed=7, as_of=date.fromisoformat(argv[0] if argv else "2026-06-30"))
    print("| KPI | days | MASE vs seasonal-naive | classic MASE | 80% coverage |")
    print("|---|---:|---:|---:|---:|")
    beaten = 0
    kpis = [k for k in Kpi.objects.order_by("name") if k.values.filter(origin=KpiValue.Origin.COMPUTED).exists()]
    for kpi in kpis:
        rows = list(kpi.values.filter(origin=KpiValue.Origin.COMPUTED).order_by("date").values_list("value", flat=True))
        result = backtest(rows, horizon=14, folds=6, period=7)
        beaten += result.mase < 1
        classic = "n/a" if math.isnan(result.mase_in_sample) else f"{result.mase_in_sample:.3f}"
        print(f"| {kpi.name} | {len(rows)} | {result.mase:.3f} | {classic} | {result.coverage:.2f} |")
    print(f"\n{beaten} of {len(kpis)} demo KPIs beat seasonal-naive (MASE < 1).")
    return 0 if kpis and beaten == len(kpis) else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
