"""A report pack printed to PDF by the real browser: a sane page count, and no table wider than the page."""

from __future__ import annotations

import re

import pytest

from tests.reports.conftest import PERIOD, pm, product, store  # noqa: F401 (fixtures used by name)

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


@pytest.mark.parametrize("kind", ["monthly", "board", "roadmap"])
def test_pack_prints_to_a_clean_pdf(browser, product, leader, kind):  # noqa: F811
    from headway.planning import services as planning
    from headway.reports import services

    for i in range(40):  # a roadmap long enough to run over a page
        item = planning.create_initiative(None, title=f"Initiative number {i} with a long enough title", kind="iterate",
                                          problem="A problem statement " * 6)
        planning.place(None, item.pk, planning.quarters(None, 1)[0], "likely")
    html = services.render(services.preview_pack(leader, kind, period=PERIOD, audience="leadership"), "html")
    context = browser.new_context(viewport={"width": 794, "height": 1123})  # A4 at 96 dpi
    page = context.new_page()
    page.set_content(html)
    page.emulate_media(media="print")
    overflow = page.evaluate("""() => [...document.querySelectorAll('table, svg')]
        .filter(t => t.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
        .map(t => t.tagName)""")
    assert overflow == []
    pdf = page.pdf(format="A4", print_background=True)
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    context.close()
    expected = {"monthly": (1, 3), "board": (1, 4), "roadmap": (1, 6)}[kind]
    assert expected[0] <= pages <= expected[1], pages
