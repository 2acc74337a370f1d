"""Demo step: Northwind Retail's business customers and 180 days of their feedback, with themes computed.

Feedback is written from templates by a seeded generator: a dozen themes a retail product team knows
(late deliveries, payment errors at checkout, search results, returns and refunds, app crashes, prices...),
steady or slowly changing, and one that appears with the mid-period "One-click checkout" launch and grows
(orders placed by accident / charged twice): the emerging theme.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import numpy as np
from django.conf import settings
from threadpoolctl import threadpool_limits

from headway.demo.builder import DemoContext, demo_step

ACCOUNTS = 400
ITEMS = 3_200
#: Near-duplicate themes merge at this similarity of topic words and meaning (a retail team reads a dozen broad
#: themes, not one per way of saying "late delivery"); see benchmarks/demo_themes.
THEME_MERGE = 0.15

SEGMENTS = [  # segment, share, plan choices, median ARR
    ("Enterprise", 0.1, ["Business Plus"], 180_000.0),
    ("Mid-market", 0.3, ["Business Plus", "Business"], 42_000.0),
    ("Small business", 0.6, ["Business", "Starter"], 6_000.0),
]
OWNERS = ["Maya Chen", "Tom Becker", "Sara Lopez", "Jonas Berg", "Ines Duarte", "Omar Haddad"]
NAME_PARTS = (
    [
        "Blue",
        "Harbor",
        "Maple",
        "Summit",
        "Cedar",
        "River",
        "Golden",
        "Oak",
        "Silver",
        "North",
        "Pine",
        "Urban",
        "Bright",
        "Stone",
        "Green",
        "Lake",
        "Red",
        "Prairie",
        "Coastal",
        "Iron",
    ],
    [
        "Cafe",
        "Outfitters",
        "Bakery",
        "Studio",
        "Supply",
        "Dental",
        "Fitness",
        "Books",
        "Florist",
        "Hotel",
        "Clinic",
        "Market",
        "Salon",
        "Hardware",
        "Kitchen",
        "Office",
        "Pharmacy",
        "Gallery",
        "School",
        "Garage",
    ],
    ["", " Co", " Group", " Ltd", " & Sons", " Partners", " Inc"],
)
FIRST = [
    "Alex",
    "Sam",
    "Jordan",
    "Taylor",
    "Morgan",
    "Casey",
    "Riley",
    "Jamie",
    "Avery",
    "Quinn",
    "Robin",
    "Drew",
    "Kim",
    "Lee",
    "Noor",
    "Ana",
    "Ben",
    "Chloe",
    "Dev",
    "Eli",
    "Fatima",
    "Hugo",
    "Ivy",
    "Kai",
]
LAST = [
    "Smith",
    "Garcia",
    "Kowalski",
    "Nguyen",
    "Okafor",
    "Rossi",
    "Schmidt",
    "Tanaka",
    "Haddad",
    "Silva",
    "Murphy",
    "Larsen",
    "Patel",
    "Dubois",
    "Novak",
    "Jensen",
]

PRODUCTS = [
    "printer paper",
    "coffee beans",
    "desk chair",
    "cleaning supplies",
    "toner cartridges",
    "paper towels",
    "standing desk",
    "water filters",
    "shipping boxes",
    "notebooks",
    "hand soap",
    "monitor stand",
]

# theme key: (relative volume, shape, templates). shape: steady, growing, fading, launch (starts at the launch).
THEMES: dict[str, tuple[float, str, list[str]]] = {
    "delivery": (
        1.4,
        "growing",
        [
            "My order of {product} arrived {n} days late and nobody told us about the delay.",
            "Delivery was late again, the {product} came {n} days after the promised date.",
            "The courier missed the delivery window twice, our {product} is still not delivered.",
            "Late delivery: we waited {n} days for {product}, the tracking said out for delivery all week.",
            "Shipping takes far too long, {n} days for a simple box of {product}.",
        ],
    ),
    "checkout": (
        1.1,
        "steady",
        [
            "Checkout fails with a payment error when I pay by card for {product}.",
            "Payment declined at checkout although the card works everywhere else.",
            "I got an error on the payment page and could not place the order for {product}.",
            "The checkout page keeps spinning after I enter my card details, then shows a payment error.",
            "Card payment failed three times at checkout, we had to order the {product} by phone.",
        ],
    ),
    "search": (
        1.0,
        "steady",
        [
            "Search results are useless, typing {product} shows unrelated items first.",
            "The search cannot find {product} unless I type the exact product name.",
            "Searching for {product} returns nothing relevant, the filters do not help either.",
            "Search relevance is poor: the best selling {product} is on page three of the results.",
        ],
    ),
    "returns": (
        0.9,
        "steady",
        [
            "The return process for the damaged {product} is confusing and the refund took {n} weeks.",
            "Still waiting for my refund, I returned the {product} {n} weeks ago.",
            "Returning an item is too hard, there is no return label for the {product}.",
            "Refund has not arrived after returning the {product}, please speed up refunds.",
        ],
    ),
    "crashes": (
        0.9,
        "fading",
        [
            "The app crashes every time I open my orders on Android.",
            "The iPhone app freezes and crashes when I add {product} to the basket.",
            "App keeps crashing after the last update, I cannot reorder {product}.",
            "The mobile app crashes on startup since the update, please fix it.",
        ],
    ),
    "pricing": (
        0.8,
        "steady",
        [
            "Prices went up again, {product} now costs more than at our local store.",
            "Shipping fees are too expensive for small orders of {product}.",
            "Your prices for {product} are higher than competitors, we may switch supplier.",
            "The price increase on {product} is too much for a small business like ours.",
        ],
    ),
    "invoices": (
        0.6,
        "steady",
        [
            "We need invoices with our VAT number, the invoice for {product} is missing it.",
            "Please let us download all monthly invoices at once for our accountant.",
            "The invoice PDF shows the wrong company address, please add invoice editing.",
        ],
    ),
    "stock": (
        0.6,
        "steady",
        [
            "The {product} is out of stock again, please add back in stock alerts.",
            "Items show as in stock but the order is cancelled because the {product} is out of stock.",
            "Out of stock far too often, we could not get {product} for {n} weeks.",
        ],
    ),
    "support": (
        0.6,
        "steady",
        [
            "Customer support took {n} days to answer a simple question about {product}.",
            "I waited on hold for an hour, support is too slow to respond.",
            "Live chat support never answers, we need faster customer service.",
        ],
    ),
    "praise": (
        0.8,
        "steady",
        [
            "Love the quick reorder button, buying {product} takes seconds now. Great service!",
            "Great prices on {product} and friendly staff, thank you!",
            "Excellent quality {product}, delivered on time, we are very happy.",
            "Really happy with the new bulk discounts on {product}, great value.",
        ],
    ),
    "oneclick": (
        1.3,
        "launch",
        [
            "One-click checkout placed an order I did not mean to, how do I cancel it?",
            "With one-click checkout I was charged twice for the same order of {product}.",
            "The new one-click buy button ordered {product} by accident, please add a confirmation step.",
            "One-click checkout used my old card and old address, the order went to the wrong place.",
            "Accidental order with one-click checkout again, we need an undo or a confirm button.",
        ],
    ),
}
SOURCES = [
    ("support", 0.45),
    ("review", 0.2),
    ("survey", 0.15),
    ("nps", 0.1),
    ("sales", 0.06),
    ("interview", 0.04),
]
OPENERS = ["", "", "", "Hi team, ", "Hello, ", "Honestly, ", "FYI: ", "Quick feedback: "]
CLOSERS = [
    "",
    "",
    "",
    " Thanks.",
    " Very frustrating.",
    " Please fix this soon.",
    " This keeps happening.",
    " Otherwise happy with you.",
]


def _weight(shape: str, day: int, days: int, launch: int) -> float:
    if shape == "growing":
        return 0.6 + 0.8 * day / days
    if shape == "fading":
        return 1.4 - 0.9 * day / days
    if shape == "launch":
        return 0.0 if day < launch else 3.0 * (day - launch) / max(days - launch, 1)
    return 1.0


def make_accounts(rng: np.random.Generator, count: int = ACCOUNTS) -> list[dict[str, Any]]:
    """``count`` business customers with a segment, plan, ARR (log-normal around the segment's median), owner."""
    shares = np.array([s[1] for s in SEGMENTS])
    names: set[str] = set()
    accounts = []
    for i in range(count):
        segment, _, plans, median = SEGMENTS[int(rng.choice(len(SEGMENTS), p=shares))]
        while True:
            name = "".join(str(rng.choice(part)) for part in NAME_PARTS)
            if name not in names:
                names.add(name)
                break
        accounts.append(
            {
                "name": name,
                "external_id": f"NW-{1000 + i}",
                "segment": segment,
                "plan": str(rng.choice(plans)),
                "arr": round(float(median * rng.lognormal(0, 0.5)), -2),
                "owner": str(rng.choice(OWNERS)),
            }
        )
    return accounts


def make_feedback(
    rng: np.random.Generator, *, as_of: date, days: int, launch_day: date, count: int = ITEMS
) -> list[dict[str, Any]]:
    """``count`` feedback records over ``days`` days up to ``as_of`` (``theme_key`` says which template)."""
    first = as_of - timedelta(days=days - 1)
    launch = (launch_day - first).days
    keys = list(THEMES)
    table = np.array(
        [[THEMES[k][0] * _weight(THEMES[k][1], d, days, launch) for k in keys] for d in range(days)]
    )
    flat = table.ravel() / table.sum()
    picks = rng.choice(len(flat), size=count, p=flat)
    records = []
    for pick in np.sort(picks):
        day, theme = divmod(int(pick), len(keys))
        key = keys[theme]
        text = str(rng.choice(THEMES[key][2])).format(product=rng.choice(PRODUCTS), n=int(rng.integers(2, 9)))
        text = str(rng.choice(OPENERS)) + text + str(rng.choice(CLOSERS))
        source = SOURCES[int(rng.choice(len(SOURCES), p=[s[1] for s in SOURCES]))][0]
        record: dict[str, Any] = {
            "text": text,
            "source": source,
            "date": first + timedelta(days=day),
            "theme_key": key,
        }
        if source == "review":
            record["rating"] = 5 if key == "praise" else int(rng.integers(1, 4))
        if source == "nps":
            record["nps"] = int(rng.integers(9, 11)) if key == "praise" else int(rng.integers(0, 7))
        records.append(record)
    return records


@demo_step("customer feedback", order=50, weight=3)
def build_feedback(ctx: DemoContext) -> None:
    """400 accounts with their people, 3,200 feedback items over the period, and their themes."""
    from headway.discovery import services
    from headway.discovery.models import Account

    rng = ctx.rng("feedback")
    launch = ctx.made.get("launch", {}).get("date") or ctx.as_of - timedelta(days=ctx.days // 2)
    ctx.progress("customer accounts", 0.0)
    accounts = make_accounts(rng)
    services.upsert_accounts(None, accounts, origin="demo")
    ids = dict(Account.objects.values_list("external_id", "pk"))
    people = []
    for account in accounts:
        domain = account["name"].lower().replace(" & ", "-").replace(" ", "") + ".example"
        for _ in range(int(rng.integers(1, 4))):
            first, last = str(rng.choice(FIRST)), str(rng.choice(LAST))
            people.append(
                {
                    "name": f"{first} {last}",
                    "email": f"{first}.{last}@{domain}".lower(),
                    "phone": f"+1 555 {int(rng.integers(100, 999))} {int(rng.integers(1000, 9999))}",
                    "title": str(rng.choice(["Office manager", "Owner", "Buyer", "Operations lead"])),
                    "account_external_id": account["external_id"],
                }
            )
    services.upsert_contacts(None, people, origin="demo")
    ctx.progress("customer feedback", 0.2)
    records = make_feedback(rng, as_of=ctx.as_of, days=ctx.days, launch_day=launch)
    weights = np.array([a["arr"] for a in accounts]) ** 0.5
    by_account = {p["account_external_id"]: p for p in people}
    for record in records:
        record.pop("theme_key")
        if rng.random() < 0.8:
            account = accounts[int(rng.choice(len(accounts), p=weights / weights.sum()))]
            record["account_id"] = ids[account["external_id"]]
            person = by_account[account["external_id"]]
            record["person_name"], record["person_email"] = person["name"], person["email"]
    import scipy.linalg  # noqa: F401  (loads SciPy's own OpenBLAS, so that the limit below reaches it too)

    # One BLAS thread: on matrices this small (3,200 × 128) a second thread costs more CPU than it saves,
    # most of all on a busy machine, where OpenBLAS threads spin waiting for a core (measured under load:
    # the themes took 6.3 s of CPU with 2 threads and 1.8 s with one; the themes are the same).
    with threadpool_limits(limits=1, user_api="blas"):
        services.add_feedback(None, records, origin="demo", today=ctx.as_of)
        ctx.progress("finding feedback themes", 0.5)
        services.start_theme_run(  # the model when it is installed (`make demo` installs it), else the fallback
            None, method=str(getattr(settings, "DEMO_THEMES_METHOD", "auto")), merge=THEME_MERGE, background=False,
            progress=lambda label, f: ctx.progress(label, 0.5 + 0.5 * f),
        )
    services.mark_reviewed(
        None,
        services.list_feedback(None)
        .filter(received_on__lt=ctx.as_of - timedelta(days=7))
        .values_list("pk", flat=True),
    )
    ctx.made["feedback"] = {"accounts": len(accounts), "items": len(records)}
