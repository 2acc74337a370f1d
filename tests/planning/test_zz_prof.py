import time
from datetime import date
import pytest
from headway.demo.builder import DemoContext
from headway.demo.company import build_company
from headway.planning.demo import build_planning
from headway.planning import services
from headway.planning.engine import portfolio as engine
from headway.team.demo import build_team

@pytest.mark.django_db
def test_prof():
    ctx = DemoContext(seed=7, as_of=date(2026, 6, 30))
    build_company(ctx); build_team(ctx)
    t0 = time.perf_counter()
    ctx.progress = lambda label, f: print(f"{time.perf_counter()-t0:.2f} {f:.2f}") if f in (0.6, 0.75, 0.95, 1.0) else None
    build_planning(ctx)
    req = services.plan_request(services.get_scenario(None, "Base plan").constraints)
    p, _ = services.build_portfolio(req, today=ctx.as_of)
    for limit in (5,):
        t = time.perf_counter(); plan = engine.optimise(p, time_limit=limit); print("solve", time.perf_counter() - t, plan.optimal, plan.value)
    t = time.perf_counter(); why = engine.explain(p, plan, time_limit=5); print("explain", time.perf_counter() - t)
    import dataclasses
    p1 = dataclasses.replace(p, quarters=p.quarters[:1], capacity={k: v*4 for k, v in p.capacity.items()})
    t = time.perf_counter(); plan1 = engine.optimise(p1, time_limit=5); print("1q solve", time.perf_counter() - t, plan1.value)
    p2 = dataclasses.replace(p, capacity={})
    t = time.perf_counter(); plan2 = engine.optimise(p2, time_limit=5); print("no-cap solve", time.perf_counter() - t, plan2.value)
    print(len(p.initiatives), len(p.requires), len(p.conflicts), p.budget, p.capacity)
