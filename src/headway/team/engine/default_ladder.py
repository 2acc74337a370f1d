"""Headway's default product career ladder, written in our own words.

Eight levels from Associate PM to CPO on two tracks (Principal PM is the senior IC rung, Group PM the first
manager rung), four competency areas with three competencies each (five behavioural anchors per competency,
one per rating), the expected rating of every competency at every level, and four specialisations. Level and
specialisation slugs match the choices of ``headway.team.models``.
"""

from __future__ import annotations

from headway.team.engine.ladder import (
    Competency,
    CompetencyArea,
    Ladder,
    Level,
    Specialisation,
    validate_ladder,
)

AREAS = (
    CompetencyArea(
        "product-execution",
        "Product execution",
        (
            Competency(
                "problem-framing",
                "Problem framing",
                "Turning requests and ideas into problems worth solving, with a clear measure of success.",
                (
                    "Writes down what was asked for; the problem behind the request often stays unclear.",
                    "Describes the problem and the user it affects for a small feature, with help on scope.",
                    "Turns a fuzzy request into a clear problem, a success measure and a scope the team can build.",
                    "Frames problems that cross several teams, stating the trade-offs and what is out of scope.",
                    "Sets how problems are framed across the organisation; other teams reuse the framing.",
                ),
            ),
            Competency(
                "delivery",
                "Delivery and prioritisation",
                "Getting the right things shipped in the right order, and cutting scope rather than quality.",
                (
                    "Tracks tasks handed over by others; needs help to decide what comes first.",
                    "Keeps a feature's backlog in order and ships it with guidance on cuts and sequencing.",
                    "Ships a product's releases predictably and cuts scope, not quality, when time runs short.",
                    "Sequences work across a product line so dependencies land in time; unblocks teams early.",
                    "Designs the planning and release rhythm that lets the whole organisation ship.",
                ),
            ),
            Competency(
                "metrics",
                "Metrics and learning",
                "Deciding how success is measured, running experiments and acting on what the numbers say.",
                (
                    "Reads dashboards built by others; rarely says up front how success will be measured.",
                    "Defines a success metric for a feature and checks it after launch.",
                    "Chooses leading and lagging metrics for a product, runs experiments and acts on results.",
                    "Builds the measurement model of a product line and teaches teams to read it honestly.",
                    "Ties product metrics to company results and makes evidence the normal basis of decisions.",
                ),
            ),
        ),
    ),
    CompetencyArea(
        "customer-insight",
        "Customer insight",
        (
            Competency(
                "discovery",
                "Discovery",
                "Learning first-hand what customers need, and testing ideas before building them.",
                (
                    "Passes customer requests on as they arrive.",
                    "Joins interviews and usability tests run by others and writes up what was learned.",
                    "Runs regular discovery with customers and turns patterns into validated opportunities.",
                    "Sets up continuous discovery for several teams and spots needs customers do not voice.",
                    "Keeps the whole organisation in direct contact with customers and bets on deep insight.",
                ),
            ),
            Competency(
                "market",
                "Market and competition",
                "Knowing the alternatives customers have, and where and why the product wins or loses.",
                (
                    "Knows the main competitors by name.",
                    "Keeps notes on what competitors offer around the feature at hand.",
                    "Explains where the product wins and loses against the alternatives, and why.",
                    "Anticipates market shifts for a product line and adjusts positioning with marketing and sales.",
                    "Reads the market well enough to choose which markets the company enters or leaves.",
                ),
            ),
            Competency(
                "experience",
                "Experience and design partnership",
                "Caring for the end-to-end experience and working with design as an equal partner.",
                (
                    "Judges designs mostly by personal taste.",
                    "Reviews designs against the user's task and raises usability issues early.",
                    "Works with design from problem to solution and tests solutions with users before building.",
                    "Raises the quality bar across a product line and settles consistency-versus-speed debates.",
                    "Makes the customer experience a measured and funded priority of the organisation.",
                ),
            ),
        ),
    ),
    CompetencyArea(
        "product-strategy",
        "Product strategy",
        (
            Competency(
                "vision",
                "Vision and strategy",
                "Choosing where to play and how to win, and saying no to work that does not fit.",
                (
                    "Can repeat the product vision when asked.",
                    "Connects the feature's work to the product strategy in their own words.",
                    "Writes a product strategy with clear bets and declines work that does not fit it.",
                    "Sets a multi-year strategy for a product line from which teams derive their plans.",
                    "Defines the company's product vision and strategy with the executive team.",
                ),
            ),
            Competency(
                "roadmapping",
                "Roadmaps and trade-offs",
                "Turning strategy into a sequence of outcomes and balancing new bets, improvements and debt.",
                (
                    "Keeps a list of planned features.",
                    "Keeps a feature roadmap current and explains why items moved.",
                    "Builds an outcome-based roadmap that balances new bets, improvements and technical debt.",
                    "Allocates capacity across the teams of a product line according to the strategy.",
                    "Sets the portfolio mix and the investment levels of the whole product organisation.",
                ),
            ),
            Competency(
                "business",
                "Business acumen",
                "Understanding how the product makes money and what it costs, and deciding with both in mind.",
                (
                    "Knows in broad strokes how the company makes money.",
                    "Estimates the cost and value of a feature with help.",
                    "Builds the business case of a product, pricing and cost included, and tracks it after launch.",
                    "Owns the revenue and cost drivers of a product line and trades off with finance and sales.",
                    "Shapes the business model and the company's growth plan.",
                ),
            ),
        ),
    ),
    CompetencyArea(
        "influence-and-leadership",
        "Influencing and leading people",
        (
            Competency(
                "communication",
                "Communication",
                "Making ideas and decisions clear to every audience, in writing and aloud.",
                (
                    "Shares updates when asked.",
                    "Writes clear updates for the team and adapts them for other audiences with help.",
                    "Tailors the message to engineers, executives and customers, in writing and aloud.",
                    "Communicates decisions across departments so that they stick, unpopular ones included.",
                    "Tells the product story to the board, the company and the market.",
                ),
            ),
            Competency(
                "influence",
                "Influence and alignment",
                "Bringing people with different goals to a shared decision without relying on authority.",
                (
                    "Follows plans agreed by others.",
                    "Reaches agreement within their own team.",
                    "Aligns engineering, design, marketing and sales on a product's direction without authority.",
                    "Resolves conflicts between teams and senior stakeholders with evidence.",
                    "Aligns the executive team and the board on product direction.",
                ),
            ),
            Competency(
                "developing-people",
                "Developing people",
                "Helping others grow: feedback, mentoring, coaching, hiring and building teams.",
                (
                    "Helps newcomers find their way.",
                    "Shares what they learn and gives useful feedback to peers.",
                    "Mentors associate PMs and improves how the team works.",
                    "Coaches product managers, hires well and builds a team that performs without them.",
                    "Builds the product organisation: its structure, hiring bar and leaders who grow leaders.",
                ),
            ),
        ),
    ),
)

_COMPETENCY_ORDER = (
    "problem-framing", "delivery", "metrics",
    "discovery", "market", "experience",
    "vision", "roadmapping", "business",
    "communication", "influence", "developing-people",
)  # fmt: skip


def _expect(*ratings: int) -> dict[str, int]:
    return dict(zip(_COMPETENCY_ORDER, ratings, strict=True))


LEVELS = (
    Level(
        "apm", "Associate Product Manager", 1, "ic", 0, 2, "feature",
        "Learns the craft by owning a well-defined feature with a senior product manager as guide.",
        _expect(2, 2, 2, 2, 1, 2, 1, 1, 1, 2, 2, 1),
        (
            "Own a well-defined feature from problem statement to launch, guided by a senior product manager.",
            "Talk to customers every week and bring what you learn back to the team.",
            "Measure what shipped and share the results, good or bad.",
        ),
    ),
    Level(
        "pm", "Product Manager", 2, "ic", 2, 4, "product",
        "Owns a product or a clear product area end to end, from discovery to results.",
        _expect(3, 3, 3, 3, 2, 3, 2, 2, 2, 3, 2, 2),
        (
            "Own a product area end to end: discovery, delivery and results.",
            "Set the area's quarterly outcomes together with engineering and design.",
            "Run experiments and decide on the evidence.",
        ),
    ),
    Level(
        "senior_pm", "Senior Product Manager", 3, "ic", 4, 7, "product",
        "Owns a product's strategy, roadmap and results, and helps newer product managers grow.",
        _expect(4, 4, 4, 4, 3, 3, 3, 3, 3, 3, 3, 3),
        (
            "Own a product's strategy and roadmap, and answer for its results.",
            "Align engineering, design, marketing and sales behind the product's direction.",
            "Mentor newer product managers.",
        ),
    ),
    Level(
        "principal_pm", "Principal Product Manager", 4, "ic", 7, None, "product_line",
        "Takes on the hardest, most ambiguous problems of a product line without managing people.",
        _expect(5, 4, 4, 5, 4, 4, 4, 4, 4, 4, 4, 3),
        (
            "Lead the hardest, most ambiguous problems of a product line without managing people.",
            "Shape strategy across teams and raise the craft of product management.",
            "Represent the customer in senior decisions.",
        ),
    ),
    Level(
        "group_pm", "Group Product Manager", 4, "manager", 7, None, "product_line",
        "Leads a small team of product managers who together own a product line.",
        _expect(4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4),
        (
            "Lead a small team of product managers who own a product line.",
            "Turn strategy into coherent plans across teams.",
            "Hire, coach and grow product managers.",
        ),
    ),
    Level(
        "director", "Director of Product", 5, "manager", 10, None, "product_line",
        "Leads product managers across several teams and sets the strategy of their product lines.",
        _expect(4, 5, 4, 4, 4, 4, 4, 5, 4, 4, 5, 5),
        (
            "Lead product managers across several teams and set the strategy of their product lines.",
            "Own the planning rhythm and the trade-offs between teams.",
            "Build a team of strong product leaders.",
        ),
    ),
    Level(
        "vp", "Head of Product / VP of Product", 6, "manager", 12, None, "organisation",
        "Leads the product organisation and its strategy, and shapes how it is organised and hires.",
        _expect(4, 5, 5, 4, 5, 4, 5, 5, 5, 5, 5, 5),
        (
            "Lead the product organisation and its strategy.",
            "Plan the company's year with the leaders of engineering, design, marketing and sales.",
            "Design the organisation, its career ladder and its hiring bar.",
        ),
    ),
    Level(
        "cpo", "Chief Product Officer", 7, "manager", 15, None, "organisation",
        "Sets the company's product vision as a member of the executive team and answers to the board for it.",
        _expect(5, 5, 5, 4, 5, 5, 5, 5, 5, 5, 5, 5),
        (
            "Set the company's product vision as a member of the executive team.",
            "Answer to the board for product results and product investment.",
            "Shape the company's business model together with the CEO.",
        ),
    ),
)  # fmt: skip

SPECIALISATIONS = (
    Specialisation(
        "core",
        "Core product",
        "Builds the features customers pay for and use every day.",
        "customers get their job done faster and stay because the product keeps getting better",
        (
            "Improve the everyday workflows customers rely on, guided by usage data and interviews.",
            "Balance new capabilities with polish and reliability.",
        ),
        (
            "Shipped customer-facing features and can show what changed for customers afterwards.",
            "Comfortable working closely with designers and engineers every day.",
        ),
        ("Experience with the kind of customers this team serves.",),
    ),
    Specialisation(
        "growth",
        "Growth",
        "Improves acquisition, activation, retention and monetisation through experiments.",
        "more of the right customers discover the product, reach value quickly and stay",
        (
            "Own funnel metrics such as activation and retention, and a backlog of experiments to move them.",
            "Work with marketing and sales on onboarding, pricing and packaging.",
        ),
        (
            "Designed and analysed A/B tests, including ones that failed.",
            "Able to query product data yourself to answer a question.",
        ),
        ("Experience with pricing or packaging changes.", "Familiarity with lifecycle messaging."),
    ),
    Specialisation(
        "data",
        "Data products",
        "Builds analytics, data and machine-learning features and the pipelines behind them.",
        "customers trust the numbers and models the product shows them and act on them",
        (
            "Define data and model quality measures and keep them visible.",
            "Work with data engineers and scientists to turn data into product features.",
        ),
        (
            "Shipped a product feature built on data or machine learning.",
            "Comfortable with SQL and with the basics of statistics.",
        ),
        ("Experience with data privacy requirements.", "Familiarity with evaluating machine-learning models."),
    ),
    Specialisation(
        "platform",
        "Platform",
        "Builds the APIs, infrastructure and internal tools other teams and partners build on.",
        "other teams and partners build faster and more safely on top of the platform",
        (
            "Treat internal teams and developers as customers: find their needs and measure their success.",
            "Plan API changes and deprecations so that nobody is surprised.",
        ),
        (
            "Worked closely with engineers on APIs, infrastructure or developer tools.",
            "Able to read technical designs and discuss trade-offs with engineers.",
        ),
        ("A background in software engineering.", "Experience with public APIs or developer communities."),
    ),
)


def default_ladder() -> Ladder:
    """Headway's default product ladder at version 1."""
    return validate_ladder(
        Ladder(
            name="Product management",
            version=1,
            change_note="Headway default product ladder",
            levels=LEVELS,
            areas=AREAS,
            specialisations=SPECIALISATIONS,
        )
    )
