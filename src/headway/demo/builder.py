"""The deterministic demo company, "Northwind Retail", built from registered steps.

Each app adds its own demo data with :func:`demo_step`; :func:`build_demo` runs the steps in order with
one seeded random generator per step, so a later step never changes what an earlier one built.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

ProgressFn = Callable[[str, float], None]


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: str
    name: str


@dataclass
class DemoContext:
    """What steps share: the seed, the last day of data, logins and anything earlier steps made."""

    seed: int
    as_of: date
    days: int = 180
    users: int = 50_000
    logins: list[DemoLogin] = field(default_factory=list)
    made: dict[str, Any] = field(default_factory=dict)
    progress: ProgressFn = lambda label, fraction: None

    def rng(self, step: str) -> np.random.Generator:
        """A generator seeded by the demo seed and the step's name (stable across runs)."""
        salt = sum(ord(c) * (i + 1) for i, c in enumerate(step))
        return np.random.default_rng([self.seed, salt])


@dataclass(frozen=True)
class DemoStep:
    name: str
    order: int
    weight: float
    run: Callable[[DemoContext], None]


STEPS: dict[str, DemoStep] = {}


def demo_step(name: str, *, order: int, weight: float = 1.0) -> Callable[[Callable[[DemoContext], None]], Callable[[DemoContext], None]]:
    """Register a function as a demo step; ``weight`` is its share of the progress bar."""

    def register(fn: Callable[[DemoContext], None]) -> Callable[[DemoContext], None]:
        STEPS[name] = DemoStep(name=name, order=order, weight=weight, run=fn)
        return fn

    return register


@dataclass
class DemoResult:
    logins: list[DemoLogin]
    seconds: dict[str, float]
    made: dict[str, Any]


def load_steps() -> list[DemoStep]:
    """Import every app's demo module so its steps register, then return them in order."""
    import importlib

    for module in DEMO_MODULES:
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
    return sorted(STEPS.values(), key=lambda s: s.order)


DEMO_MODULES = (
    "headway.demo.company",
    "headway.team.demo",
    "headway.analytics.demo",
    "headway.strategy.demo",
    "headway.discovery.demo",
    "headway.planning.demo",
    "headway.impact.demo",
    "headway.reports.demo",
)


def _share_of(report: ProgressFn, base: float, share: float) -> ProgressFn:
    """A step's progress callback: the step's fraction 0–1 as its ``share`` of the bar after ``base``."""
    def progress(label: str, fraction: float) -> None:
        report(label, base + share * fraction)
    return progress


def build_demo(seed: int = 7, *, as_of: date | None = None, progress: ProgressFn | None = None,
               users: int = 50_000, days: int = 180) -> DemoResult:
    """Wipe the installation's data and build Northwind Retail; returns the logins and step timings."""
    from headway.demo.reset import reset_installation

    ctx = DemoContext(seed=seed, as_of=as_of or date.today(), users=users, days=days)
    steps = load_steps()
    total = sum(s.weight for s in steps) + 1.0
    done = 0.0
    shown = progress or (lambda label, fraction: None)
    high = [0.0]

    def report(label: str, fraction: float) -> None:  # float rounding between steps never moves the bar back
        high[0] = max(high[0], fraction)
        shown(label, high[0])

    seconds: dict[str, float] = {}
    start = time.perf_counter()
    report("resetting data", 0.0)
    reset_installation()
    seconds["reset"] = time.perf_counter() - start
    done += 1.0
    for step in steps:
        base, share = done / total, step.weight / total
        ctx.progress = _share_of(report, base, share)
        report(step.name, base)
        t0 = time.perf_counter()
        step.run(ctx)
        seconds[step.name] = time.perf_counter() - t0
        done += step.weight
    report("done", 1.0)
    return DemoResult(logins=ctx.logins, seconds=seconds, made=ctx.made)
