"""Difference-in-differences: two-way fixed effects (unit and period), standard errors clustered by unit.

``y ~ treated:post + unit + period`` by least squares; the coefficient on ``treated x post`` is the effect. The
pre-trend check fits the pre-period alone with one ``treated x period`` term per pre period after the first and
tests them jointly (a cluster-robust Wald F test); ``None`` with a single pre period. With few clusters (a
handful of segments over many days) that joint test has more restrictions than the clustered covariance has rank,
and a cluster-robust test with one treated cluster rejects far too often: ``pre_trend="linear"`` tests instead
the slope of the gap between the treated and the untreated units' mean over the pre periods (a differential
linear trend), with Newey–West errors (lags ``floor(4 (T/100)^(2/9))``), which rely on many periods rather than
many units; ``None`` with fewer than 3 pre periods.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from headway.impact.engine.errors import ImpactInputError


@dataclass(frozen=True)
class DiffInDiffResult:
    """The effect of the change on the treated units, with its clustered interval."""

    effect: float
    se: float
    ci: tuple[float, float]
    p_value: float
    pre_trend_p_value: float | None
    units: int
    treated_units: int
    periods: int
    observations: int
    alpha: float


def _frame(rows: Any, columns: dict[str, str]) -> pd.DataFrame:
    frame = rows.copy() if isinstance(rows, pd.DataFrame) else pd.DataFrame(list(rows))
    missing = [name for name in columns.values() if name not in frame.columns]
    if missing:
        raise ImpactInputError(
            f"The rows lack the column(s) {', '.join(missing)}; name the columns with unit=, period=, "
            "treated=, post= and y=."
        )
    out = pd.DataFrame({role: frame[name] for role, name in columns.items()})
    if out.empty:
        raise ImpactInputError("No rows to compare; give one row per unit and period.")
    y = pd.to_numeric(out["y"], errors="coerce")
    if y.isna().any():
        raise ImpactInputError(f"{int(y.isna().sum())} row(s) have no numeric outcome; fill or drop them.")
    out["y"] = y.astype(float)
    for flag in ("treated", "post"):
        out[flag] = out[flag].astype(bool).astype(int)
    return out


def _ols_cluster(y: np.ndarray, x: np.ndarray, groups: np.ndarray) -> Any:
    import statsmodels.api as sm

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return sm.OLS(y, x).fit(cov_type="cluster", cov_kwds={"groups": groups}, use_t=True)


def _design(frame: pd.DataFrame, extra: list[np.ndarray]) -> np.ndarray:
    units = pd.get_dummies(frame["unit"].astype(str), drop_first=True, dtype=float).to_numpy()
    periods = pd.get_dummies(frame["period"].astype(str), drop_first=True, dtype=float).to_numpy()
    columns = [np.column_stack(extra)] if extra else []
    return np.column_stack([*columns, np.ones(len(frame)), units, periods])


def _linear_pre_trend(pre: pd.DataFrame, pre_periods: list[Any]) -> float | None:
    import statsmodels.api as sm

    means = pre.groupby(["period", "treated"])["y"].mean().unstack("treated")
    if means.isna().to_numpy().any():
        return None
    gap = (means.loc[pre_periods, 1] - means.loc[pre_periods, 0]).to_numpy(dtype=float)
    index = np.arange(len(gap), dtype=float)
    lags = int(np.floor(4 * (len(gap) / 100) ** (2 / 9)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = sm.OLS(gap, sm.add_constant(index)).fit(cov_type="HAC", cov_kwds={"maxlags": lags}, use_t=True)
    p = float(result.pvalues[1])
    return p if np.isfinite(p) else None


def _pre_trend(frame: pd.DataFrame, how: str = "periods") -> float | None:
    pre = frame[frame["post"] == 0].reset_index(drop=True)
    pre_periods = sorted(pre["period"].unique())
    if len(pre_periods) < (3 if how == "linear" else 2):
        return None
    if how == "linear":
        return _linear_pre_trend(pre, pre_periods)
    terms = [
        ((pre["period"] == p) & (pre["treated"] == 1)).to_numpy(dtype=float) for p in pre_periods[1:]
    ]
    x = _design(pre, terms)
    groups = pd.factorize(pre["unit"])[0]
    result = _ols_cluster(pre["y"].to_numpy(), x, groups)
    restriction = np.zeros((len(terms), x.shape[1]))
    restriction[np.arange(len(terms)), np.arange(len(terms))] = 1.0
    test = result.f_test(restriction)
    p = float(np.asarray(test.pvalue).reshape(-1)[0])
    return p if np.isfinite(p) else None


def diff_in_diff(
    rows: Any,
    unit: str = "unit",
    period: str = "period",
    treated: str = "treated",
    post: str = "post",
    y: str = "y",
    alpha: float = 0.05,
    pre_trend: str = "periods",
) -> DiffInDiffResult:
    """The two-way fixed-effects difference-in-differences estimate from a panel of rows (``pre_trend``:
    ``"periods"``, a joint test of one term per pre period, or ``"linear"``, one differential slope)."""
    if pre_trend not in ("periods", "linear"):
        raise ImpactInputError(f'pre_trend must be "periods" or "linear", not {pre_trend!r}.')
    frame = _frame(rows, {"unit": unit, "period": period, "treated": treated, "post": post, "y": y})
    if frame.groupby("unit")["treated"].nunique().max() > 1:
        raise ImpactInputError("A unit is marked treated in some rows and not in others; treat a unit as a whole.")
    units = frame.groupby("unit")["treated"].first()
    treated_units = int(units.sum())
    if treated_units == 0 or treated_units == len(units):
        raise ImpactInputError(
            "Difference-in-differences needs treated and untreated units; "
            f"got {treated_units} treated of {len(units)}."
        )
    if frame["post"].nunique() < 2:
        raise ImpactInputError("Difference-in-differences needs periods both before and after the change.")
    if len(units) < 3:
        raise ImpactInputError("Clustered standard errors need at least 3 units; add more units.")
    d = (frame["treated"] * frame["post"]).to_numpy(dtype=float)
    x = _design(frame, [d])
    groups = pd.factorize(frame["unit"])[0]
    result = _ols_cluster(frame["y"].to_numpy(), x, groups)
    effect = float(result.params[0])
    se = float(result.bse[0])
    lo, hi = (float(v) for v in np.asarray(result.conf_int(alpha=alpha))[0])
    return DiffInDiffResult(
        effect=effect,
        se=se,
        ci=(lo, hi),
        p_value=float(result.pvalues[0]),
        pre_trend_p_value=_pre_trend(frame, pre_trend),
        units=len(units),
        treated_units=treated_units,
        periods=int(frame["period"].nunique()),
        observations=len(frame),
        alpha=alpha,
    )


__all__ = ["DiffInDiffResult", "diff_in_diff"]
