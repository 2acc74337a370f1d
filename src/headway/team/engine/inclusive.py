"""An inclusive-language check for job descriptions and other hiring text.

Two kinds of wording are flagged, each with a suggestion:

* *gender-coded* words. Gaucher, Friesen & Kay (2011, "Evidence that gendered wording in job advertisements
  exists and sustains gender inequality") found that adverts heavy in masculine-coded words make women less
  drawn to a job. Our lists are short, hand-picked sets of common words in that spirit (not the study's
  lists); words every product job needs ("lead", "analyse") are left out to keep the signal useful.
  Feminine-coded words are not a problem on their own: they are reported so the balance can be judged.
* *exclusionary* wording: jargon that reads as a young, male or native-speaker in-group ("rockstar",
  "ninja", "young and dynamic", "native English speaker", "culture fit", ...).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MASCULINE, FEMININE, EXCLUSIONARY = "masculine-coded", "feminine-coded", "exclusionary"

_TERMS: tuple[tuple[str, str, str], ...] = (
    # (regex, category, suggestion)
    (r"aggressive(?:ly)?", MASCULINE, "use 'proactive' or 'bold'"),
    (r"ambitious", MASCULINE, "use 'motivated' or describe the goal"),
    (r"assertive(?:ly|ness)?", MASCULINE, "use 'clear and direct'"),
    (r"competitive", MASCULINE, "say what result you want, e.g. 'motivated by customer outcomes'"),
    (r"self-confident|confident", MASCULINE, "use 'comfortable making calls with incomplete data'"),
    (r"decisive(?:ly|ness)?", MASCULINE, "use 'makes timely, well-reasoned decisions'"),
    (r"determined", MASCULINE, "use 'focused' or 'persevering through setbacks'"),
    (r"dominan(?:t|ce)|dominat(?:e|es|ed|ing)", MASCULINE, "use 'lead' or 'excel'"),
    (r"driven", MASCULINE, "use 'motivated'"),
    (r"fearless(?:ly)?", MASCULINE, "use 'willing to take considered risks'"),
    (r"headstrong|stubborn", MASCULINE, "use 'persevering'"),
    (r"independent(?:ly)?", MASCULINE, "use 'self-directed' or 'able to plan your own work'"),
    (r"outspoken", MASCULINE, "use 'willing to speak up'"),
    (r"self-relian(?:t|ce)|self-sufficien(?:t|cy)", MASCULINE, "use 'able to plan your own work'"),
    (r"superior", MASCULINE, "use 'excellent'"),
    (r"killer instinct", MASCULINE, "describe the behaviour, e.g. 'spots opportunities early'"),
    (r"crush(?:es|ing)? the competition", MASCULINE, "use 'win customers'"),
    (r"affectionate", FEMININE, "fine to keep; balance with neutral wording such as 'friendly'"),
    (r"cheerful", FEMININE, "fine to keep; balance with neutral wording such as 'positive'"),
    (r"compassion(?:ate)?", FEMININE, "fine to keep; balance with neutral wording such as 'caring about users'"),
    (r"considerate", FEMININE, "fine to keep; balance with neutral wording such as 'thoughtful'"),
    (r"cooperative", FEMININE, "fine to keep; balance with neutral wording such as 'works across teams'"),
    (r"empath(?:y|etic)", FEMININE, "fine to keep; balance with neutral wording such as 'customer insight'"),
    (r"gentle", FEMININE, "fine to keep; balance with neutral wording such as 'tactful'"),
    (r"interpersonal", FEMININE, "fine to keep; balance with neutral wording such as 'communication'"),
    (r"loyal(?:ty)?", FEMININE, "fine to keep; balance with neutral wording such as 'committed to the team'"),
    (r"nurtur(?:e|es|ed|ing)", FEMININE, "fine to keep; balance with neutral wording such as 'develop'"),
    (r"pleasant", FEMININE, "fine to keep; balance with neutral wording such as 'friendly'"),
    (r"polite", FEMININE, "fine to keep; balance with neutral wording such as 'respectful'"),
    (r"sensitive", FEMININE, "fine to keep; balance with neutral wording such as 'attentive'"),
    (r"sympath(?:y|etic)", FEMININE, "fine to keep; balance with neutral wording such as 'understanding'"),
    (r"warm(?:th|ly)?", FEMININE, "fine to keep; balance with neutral wording such as 'welcoming'"),
    (r"rock ?stars?", EXCLUSIONARY, "use 'skilled' or 'experienced'"),
    (r"ninjas?", EXCLUSIONARY, "use 'expert'"),
    (r"gurus?", EXCLUSIONARY, "use 'expert'"),
    (r"wizards?", EXCLUSIONARY, "use 'specialist'"),
    (r"superheroe?s?|unicorns?", EXCLUSIONARY, "describe the skills you need instead"),
    (r"young and dynamic", EXCLUSIONARY, "remove the age reference; use 'energetic and adaptable'"),
    (r"young (?:team|professionals?|people|talent)", EXCLUSIONARY, "remove the age reference"),
    (r"recent (?:graduates?|grads?)", EXCLUSIONARY, "use 'early-career' (an age proxy otherwise)"),
    (r"digital natives?", EXCLUSIONARY, "use 'fluent with digital tools'"),
    (r"native (?:[a-z]+ )?speakers?", EXCLUSIONARY, "use 'fluent in <language>' at the level the job needs"),
    (r"mother tongue", EXCLUSIONARY, "use 'fluent in <language>'"),
    (r"culture fit", EXCLUSIONARY, "use 'shares our values' or 'culture add'"),
    (r"guys", EXCLUSIONARY, "use 'everyone' or 'team'"),
    (r"man ?power", EXCLUSIONARY, "use 'staff' or 'capacity'"),
    (r"chairman|chairmen", EXCLUSIONARY, "use 'chair'"),
    (r"salesman|salesmen", EXCLUSIONARY, "use 'salesperson' or 'account executive'"),
    (r"he ?/ ?she|he or she|s/he", EXCLUSIONARY, "use 'they' or 'you'"),
    (r"work hard,? play hard", EXCLUSIONARY, "state the real hours and flexibility instead"),
    (r"able-bodied", EXCLUSIONARY, "describe the physical task, if the job has one"),
    (r"(?:crazy|insanely?)", EXCLUSIONARY, "use 'remarkably' or 'very'"),
)

_PATTERNS = tuple((re.compile(rf"\b(?:{rx})\b", re.IGNORECASE), cat, tip) for rx, cat, tip in _TERMS)


@dataclass(frozen=True)
class LanguageFinding:
    """One flagged phrase: where it is (character offsets, 1-based line and column), what it is, what to do."""

    term: str
    category: str
    suggestion: str
    start: int
    end: int
    line: int
    column: int
    field: str = ""


def check_language(text: str, field: str = "") -> tuple[LanguageFinding, ...]:
    """Every gender-coded or exclusionary phrase in ``text``, in reading order.

    Where phrases overlap (``"young and dynamic"`` and ``"young"``), the longest one is reported.
    """
    hits = [
        (m.start(), m.end(), cat, tip) for pattern, cat, tip in _PATTERNS for m in pattern.finditer(text)
    ]
    hits.sort(key=lambda h: (h[0], -(h[1] - h[0])))
    findings: list[LanguageFinding] = []
    covered_to = -1
    for start, end, cat, tip in hits:
        if start < covered_to:
            continue
        covered_to = end
        line = text.count("\n", 0, start) + 1
        column = start - (text.rfind("\n", 0, start) + 1) + 1
        findings.append(LanguageFinding(text[start:end], cat, tip, start, end, line, column, field))
    return tuple(findings)


def coding_balance(findings: tuple[LanguageFinding, ...] | list[LanguageFinding]) -> str:
    """``masculine-coded``, ``feminine-coded`` or ``neutral``: which gender-coded kind outnumbers the other."""
    masculine = sum(1 for f in findings if f.category == MASCULINE)
    feminine = sum(1 for f in findings if f.category == FEMININE)
    if masculine > feminine:
        return MASCULINE
    return FEMININE if feminine > masculine else "neutral"
