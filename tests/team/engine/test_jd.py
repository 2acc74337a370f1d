"""Job descriptions: generation, the must-have cap, pay transparency, exports and the language check."""

from __future__ import annotations

from datetime import date

import pytest

from headway.core.errors import ValidationError
from headway.team.engine.default_ladder import default_ladder
from headway.team.engine.inclusive import check_language, coding_balance
from headway.team.engine.jd import (
    Company,
    JobDescription,
    PayRange,
    Team,
    check_job_description,
    generate_job_description,
    location_code,
    pay_rules_for,
    to_html,
    to_markdown,
    update_job_description,
)

LADDER = default_ladder()
TEAM = Team("Checkout", "make paying effortless")
COMPANY = Company("Northwind Retail", "We sell home goods online.")
PAY = PayRange(95000, 120000, "USD")


def draft(location="London, UK", pay=None, level="senior_pm", spec="growth", on=None):
    return generate_job_description(LADDER, level, spec, TEAM, COMPANY, location=location, pay=pay, on=on)


def test_generated_description_from_level_specialisation_and_team():
    jd = draft()
    assert jd.title == "Senior Product Manager, Growth"
    assert jd.summary.startswith(
        "As a Senior Product Manager in the Checkout team (make paying effortless), you will own a product and "
        "be measured by one outcome: more of the right customers discover the product"
    )
    assert jd.must_haves == (
        "4+ years of product management experience or the equivalent.",
        "Problem framing: frames problems that cross several teams, stating the trade-offs and what is out of "
        "scope.",
        "Delivery and prioritisation: sequences work across a product line so dependencies land in time; "
        "unblocks teams early.",
        "Metrics and learning: builds the measurement model of a product line and teaches teams to read it "
        "honestly.",
        "Designed and analysed A/B tests, including ones that failed.",
        "Able to query product data yourself to answer a question.",
    )
    assert len(jd.responsibilities) == 5 and jd.responsibilities[0].startswith("Own a product's strategy")
    assert jd.nice_to_haves == ("Experience with pricing or packaging changes.", "Familiarity with lifecycle messaging.")
    assert draft(level="apm", spec="core").title == "Associate Product Manager"
    assert draft(level="apm", spec="core").must_haves[0].startswith("Up to 2 years of experience")
    assert draft(level="director", spec="platform").must_haves[0] == (
        "10+ years of product management experience or the equivalent, including leading product managers."
    )
    assert check_job_description(draft()) == ()  # our own text passes our own check


def test_at_most_seven_must_haves():
    jd = draft()
    seven = update_job_description(jd, must_haves=[f"need {i}" for i in range(7)])
    assert len(seven.must_haves) == 7
    with pytest.raises(ValidationError, match="8 must-haves; the most is 7: move the least essential"):
        update_job_description(jd, must_haves=[f"need {i}" for i in range(8)])
    with pytest.raises(ValidationError, match="no must-haves"):
        update_job_description(jd, must_haves=[])


def test_location_codes_and_pay_rules():
    assert location_code("Denver, Colorado") == "US-CO"
    assert location_code("New York City") == "US-NY-NYC"
    assert location_code("Berlin, Germany") == "DE"
    assert location_code("us-wa") == "US-WA"
    assert location_code("London, UK") == "LONDON, UK"
    assert [r.code for r in pay_rules_for("US-NY-NYC")] == ["US-NY-NYC", "US-NY"]
    assert [r.code for r in pay_rules_for("US-NY-NYC", on=date(2023, 1, 1))] == ["US-NY-NYC"]
    assert pay_rules_for("London, UK") == ()
    assert pay_rules_for("Paris, France", on=date(2026, 6, 6)) == ()
    assert [r.law for r in pay_rules_for("Paris, France", on=date(2026, 6, 7))] == [
        "EU Pay Transparency Directive (EU) 2023/970"
    ]


def test_pay_range_required_where_the_law_mandates_it():
    with pytest.raises(ValidationError, match=r"pay range is required for jobs in Colorado \(Colorado Equal Pay"):
        draft(location="Denver, Colorado")
    with pytest.raises(ValidationError, match="required for jobs in Germany"):
        draft(location="Berlin, Germany")
    assert draft(location="Berlin, Germany", on=date(2025, 1, 1)).pay is None  # before the directive applies
    assert draft(location="Denver, Colorado", pay=PAY).pay == PAY
    jd = draft(location="Denver, Colorado", pay=PAY)
    with pytest.raises(ValidationError, match="required for jobs in Colorado"):
        update_job_description(jd, pay=None)


def test_pay_range_checks_and_text():
    assert PAY.text() == "USD 95,000–120,000 per year"
    assert PayRange(42.5, 55, "GBP", "hour").text() == "GBP 42.50–55 per hour"
    with pytest.raises(ValidationError, match="below the minimum"):
        PayRange(100, 90, "EUR")
    with pytest.raises(ValidationError, match="not an ISO code"):
        PayRange(100, 120, "euro")


SMALL = JobDescription(
    title="PM <Search> & Co",
    company="Acme",
    team="Search",
    location="US-CO",
    level="pm",
    specialisation="core",
    summary='Own "search" <b>end to end</b>.',
    responsibilities=("Ship it",),
    must_haves=("2+ years",),
    nice_to_haves=(),
    pay=PayRange(80000, 100000, "USD"),
    about_company="Acme <script>alert(1)</script>",
)


def test_markdown_export():
    assert to_markdown(SMALL) == (
        "# PM <Search> & Co\n\n**Acme** · Search team · US-CO\n\nOwn \"search\" <b>end to end</b>.\n\n"
        "## What you will do\n\n- Ship it\n\n## What you need\n\n- 2+ years\n\n"
        "## Pay\n\nUSD 80,000–100,000 per year\n\n## About Acme\n\nAcme <script>alert(1)</script>\n"
    )


def test_html_export_escapes_everything():
    out = to_html(SMALL)
    assert "<script>" not in out and "<b>" not in out
    assert "<h1>PM &lt;Search&gt; &amp; Co</h1>" in out
    assert "<p>Own &quot;search&quot; &lt;b&gt;end to end&lt;/b&gt;.</p>" in out
    assert "<p>Acme &lt;script&gt;alert(1)&lt;/script&gt;</p>" in out
    assert out.count("<li>") == 2 and "Nice to have" not in out


def test_language_check_positions_and_suggestions():
    text = "We want a rockstar who is young and dynamic.\nAggressive, yet warm."
    found = check_language(text)
    assert [(f.term, f.category, f.start, f.end, f.line, f.column) for f in found] == [
        ("rockstar", "exclusionary", 10, 18, 1, 11),
        ("young and dynamic", "exclusionary", 26, 43, 1, 27),
        ("Aggressive", "masculine-coded", 45, 55, 2, 1),
        ("warm", "feminine-coded", 61, 65, 2, 17),
    ]
    assert found[1].suggestion.startswith("remove the age reference")
    assert coding_balance(found) == "neutral"  # one masculine, one feminine


def test_language_check_exclusionary_list():
    text = (
        "Ninja wanted: native English speaker, culture fit, digital native. Hey guys, he/she will work hard, "
        "play hard with our competitive, driven team."
    )
    terms = [(f.term, f.category) for f in check_language(text)]
    assert terms == [
        ("Ninja", "exclusionary"),
        ("native English speaker", "exclusionary"),
        ("culture fit", "exclusionary"),
        ("digital native", "exclusionary"),
        ("guys", "exclusionary"),
        ("he/she", "exclusionary"),
        ("work hard, play hard", "exclusionary"),
        ("competitive", "masculine-coded"),
        ("driven", "masculine-coded"),
    ]
    assert coding_balance(check_language(text)) == "masculine-coded"
    assert check_language("Partner with engineering and design to learn from customers.") == ()


def test_job_description_findings_name_the_field():
    jd = update_job_description(draft(), must_haves=["A rockstar communicator.", "SQL."])
    found = check_job_description(jd)
    assert [(f.field, f.term, f.start) for f in found] == [("must_haves[0]", "rockstar", 2)]
