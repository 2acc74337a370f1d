"""A small hand-made org used across the team tests.

    Cora (CPO, product)
    ├── Ed (VP Engineering, engineering)
    │   └── Fay (EM, engineering)
    └── Vic (VP Product, product)
        ├── Ann (PM, product)
        ├── Bea (PM, product)
        └── Dan (designer, design)
"""

from __future__ import annotations

import pytest

from headway.team import services


@pytest.fixture
def org(db, workspace):
    def add(name, title, department, manager=None, **extra):
        return services.create_person(None, name=name, title=title, department=department,
                                      manager=manager.pk if manager else None, **extra)

    cora = add("Cora", "Chief Product Officer", "product", level="cpo", track="manager")
    vic = add("Vic", "VP of Product", "product", cora, level="vp", track="manager")
    ed = add("Ed", "VP of Engineering", "engineering", cora, track="manager")
    fay = add("Fay", "Engineering Manager", "engineering", ed, track="manager")
    ann = add("Ann", "Product Manager, Search", "product", vic, level="pm", team="Search")
    bea = add("Bea", "Product Manager, Checkout", "product", vic, level="pm", team="Checkout")
    dan = add("Dan", "Product Designer", "design", vic)
    return {p.name: p for p in (cora, vic, ed, fay, ann, bea, dan)}
