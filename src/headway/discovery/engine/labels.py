"""Keywords and a short readable label for each theme, from the phrases its texts share.

A candidate is a *phrase*: one to three words that stand next to each other in a text, with no stop word,
filler word, number or punctuation between them ("late delivery", "one-click checkout", "charged twice").
Plural and singular count as one word ("invoice"/"invoices"). A phrase scores high for a theme when it is

- **representative**: it is in a large share of the theme's texts (``coverage``), and
- **distinctive**: the theme holds far more of the texts that use it than its size alone would give it
  (``lift`` = P(theme | phrase) / P(theme));

``score = coverage × log(1 + lift) × (1 + 0.15 × (words − 1))``: a longer phrase wins only when it is about as
common as its parts, i.e. when it is a set expression. Words that are spread over every theme (greetings,
sign-offs, "thanks") get a lift near 1 and never lead a label.

The label is the best phrase as the texts write it, with a capital first letter ("Late delivery", "VAT
number"): always one phrase the texts write, never two phrases put side by side ("Prices local store"). A
one-word phrase grows into the phrase of two or three words around it that at least ``WIDEN_SHARE`` of its
texts write ("support" -> "Customer support"). Two themes never get the same label, and a smaller theme's
label is never part of a larger one's ("Late" next to "Late delivery"); with ``distinct_words`` (broad themes)
no two labels share a word either ("Support" next to "Customer support").
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from headway.discovery.engine.texts import cut

KEYWORDS = 8
LABEL_WORDS = (2, 4)
PHRASE_WORDS = 4
#: A one-word label grows into the phrase around it that at least this share of its texts write.
WIDEN_SHARE = 0.3
#: Fine themes: a one-word label takes a second phrase only when that scores at least this share of the first.
PARTNER_SHARE = 0.3
LONGER_PHRASE_BONUS = 0.15
#: Words of requests and chat that say nothing about a topic, on top of scikit-learn's English stop words.
FILLER_WORDS = frozenset({
    "able", "does", "did", "doing", "don", "ve", "ll", "just", "like", "want", "wanted", "need", "needs",
    "needed", "help", "please", "hi", "hello", "hey", "thanks", "thank", "know", "let", "got", "get",
    "getting", "going", "really", "trying", "tried", "yes", "ok", "okay", "way", "today", "yesterday",
    "im", "id", "fyi", "dear", "regards", "cheers", "sorry", "guys", "team", "folks", "quick", "honestly",
    "actually",
})
#: Words that do not name a topic on their own (times, amounts, vague verbs): a label never starts or ends
#: with one ("Weeks ago", "Hold hour", "Stock far" read as fragments), though they stay keywords. Word keys.
WEAK_WORDS = frozenset({
    "day", "week", "hour", "minute", "second", "month", "year", "ago", "far", "long", "time", "small", "big", "twice",
    "soon", "again", "still", "hold", "answer", "came", "come", "said", "say", "took", "take", "keep", "went",
    "make", "made", "arrived", "place", "type", "unless", "speed", "mean", "open", "add", "missing", "wrong",
    "hard", "simple", "happening", "frustrating", "fix", "ordered", "used", "told", "waited", "waiting",
    "returned", "returning", "buying", "typing", "searching", "love", "happy", "great", "excellent", "poor",
})
#: Verbs that leave a label hanging when they end it ("Invoice PDF shows", "Courier missed", "Slow respond");
#: the verbs of a complaint itself ("App crashes", "Payment failed") may end one. Word keys.
END_WORDS = frozenset({
    "show", "shown", "showing", "missed", "respond", "responded", "takes", "taking", "took", "keep", "kept",
    "says", "get", "gets", "go", "goe", "gone", "seem", "seems", "look", "looks", "works", "work", "give",
    "gives", "put", "tell", "tells", "asked", "ask", "called", "sent", "send", "received", "receive", "placed",
    "went", "came", "cost", "costs", "shows", "answer", "answers", "type", "typed", "find", "found",
    "happen", "happens", "happened", "tries", "try", "use", "using", "mean", "meant", "see", "seen", "saw",
    "pay", "paid", "order", "ordered", "returned", "switch", "wait", "add", "added", "check", "checked",
})
#: Set expressions with a stop word inside that name a topic: read as one word ("Out of stock", "Top up").
COMPOUNDS: dict[tuple[str, ...], str] = {
    ("out", "of", "stock"): "out-of-stock", ("in", "stock"): "in-stock", ("on", "hold"): "on-hold",
    ("top", "up"): "top-up", ("log", "in"): "log-in", ("sign", "in"): "sign-in", ("sign", "up"): "sign-up",
    ("on", "time"): "on-time", ("check", "out"): "check-out",
}
_CLAUSE = re.compile(r"[.,;:!?()\[\]{}\"\n\t/|]+|\s[-–—]+\s")
_TOKEN = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")


def _stop_words() -> frozenset[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS) | FILLER_WORDS


def word_key(word: str) -> str:
    """One key for a word and its plural: lower case, a final ``s`` dropped (not ``ss``, not short words)."""
    word = word.lower()
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def runs(text: str, stop: frozenset[str]) -> list[list[str]]:
    """The runs of topic words of ``text`` (surface forms): cut at punctuation, stop words and numbers."""
    out: list[list[str]] = []
    for clause in _CLAUSE.split(text):
        current: list[str] = []
        for token in _compounds(_TOKEN.findall(clause)):
            word = re.split(r"['’]", token)[0]
            negated = token.lower().endswith(("n't", "n’t"))  # "hasn't", "didn't": no topic word
            if negated or word.lower() in stop or len(word) < 2 or any(ch.isdigit() for ch in word):
                if current:
                    out.append(current)
                current = []
                continue
            current.append(word)
        if current:
            out.append(current)
    return out


def _compounds(tokens: list[str]) -> list[str]:
    """``tokens`` with each of ``COMPOUNDS`` joined into one token ("out-of-stock")."""
    out: list[str] = []
    index = 0
    while index < len(tokens):
        for size in (3, 2):
            joined = COMPOUNDS.get(tuple(t.lower() for t in tokens[index : index + size]))
            if joined:
                out.append(joined)
                index += size
                break
        else:
            out.append(tokens[index])
            index += 1
    return out


def _as_written(word: str) -> str:
    """Lower case, except words written with capitals inside them ("VAT", "iPhone", "PDF"); a compound is
    written with its spaces ("out of stock")."""
    if word.lower() in _WRITTEN:
        return _WRITTEN[word.lower()]
    return word if any(ch.isupper() for ch in word[1:]) else word.lower()


_WRITTEN = {joined: " ".join(words) for words, joined in COMPOUNDS.items()}


@dataclass
class Phrases:
    """Which phrases each text holds, where each first stands, and the most common way each is written."""

    per_text: list[set[tuple[str, ...]]]
    surface: dict[tuple[str, ...], str]
    position: list[dict[tuple[str, ...], int]]
    #: The plural of a one-word phrase where the texts write it too ("invoices" next to "invoice").
    plural: dict[tuple[str, ...], str] = field(default_factory=dict)


def phrases_of(texts: Sequence[str]) -> Phrases:
    """The phrases of ``texts``, read once and shared by the naming of themes and of parent themes."""
    stop = _stop_words()
    per_text: list[set[tuple[str, ...]]] = []
    position: list[dict[tuple[str, ...], int]] = []
    written: dict[tuple[str, ...], Counter[str]] = defaultdict(Counter)
    for text in texts:
        found: set[tuple[str, ...]] = set()
        first: dict[tuple[str, ...], int] = {}
        offset = 0
        for run in runs(cut(text)[0], stop):
            keys = [word_key(w) for w in run]
            for size in range(1, PHRASE_WORDS + 1):
                for start in range(len(run) - size + 1):
                    key = tuple(keys[start : start + size])
                    found.add(key)
                    first.setdefault(key, offset + start)
                    written[key][" ".join(_as_written(w) for w in run[start : start + size])] += 1
            offset += len(run) + 1
        per_text.append(found)
        position.append(first)
    surface = {key: max(forms.items(), key=lambda kv: (kv[1], kv[0]))[0] for key, forms in written.items()}
    plural: dict[tuple[str, ...], str] = {key: form for key, forms in written.items() if len(key) == 1
              for form in forms if form != surface[key] and form.endswith("s") and form.lower() == surface[key] + "s"}
    return Phrases(per_text, surface, position, plural)


def _scores(phrases: Phrases, labels: Sequence[int], k: int) -> list[list[tuple[float, tuple[str, ...]]]]:
    """For each theme, its phrases with their score, best first."""
    n = len(labels)
    sizes = np.bincount(np.asarray(labels), minlength=k)
    overall: Counter[tuple[str, ...]] = Counter()
    per_theme: list[Counter[tuple[str, ...]]] = [Counter() for _ in range(k)]
    for found, theme in zip(phrases.per_text, labels, strict=True):
        overall.update(found)
        per_theme[theme].update(found)
    ranked: list[list[tuple[float, tuple[str, ...]]]] = []
    for theme in range(k):
        size = int(sizes[theme])
        least = 1 if size < 4 else 2
        scored = []
        for key, count in per_theme[theme].items():
            if count < least:
                continue
            coverage = count / size
            lift = (count / overall[key]) / (size / n)
            if k > 1 and lift <= 1.0:  # no more common here than anywhere else: says nothing of the theme
                continue
            score = coverage * math.log1p(lift) * (1 + LONGER_PHRASE_BONUS * (len(key) - 1))
            scored.append((score, key))
        scored.sort(key=lambda s: (-s[0], phrases.surface[s[1]]))
        ranked.append(scored)
    return ranked


def _keywords(ranked: list[tuple[float, tuple[str, ...]]], surface: dict[tuple[str, ...], str], count: int) -> list[str]:
    """The best phrases, leaving out one that is part of (or holds) a better one."""
    kept: list[tuple[str, ...]] = []
    for _, key in ranked:
        if any(_inside(key, other) or _inside(other, key) for other in kept):
            continue
        kept.append(key)
        if len(kept) == count:
            break
    return [surface[key] for key in kept]


def _inside(small: tuple[str, ...], big: tuple[str, ...]) -> bool:
    return len(small) <= len(big) and any(big[i : i + len(small)] == small for i in range(len(big) - len(small) + 1))


def _label(
    ranked: list[tuple[float, tuple[str, ...]]], phrases: Phrases, members: list[int], taken: set[str],
    widen: bool = True, siblings: Sequence[tuple[str, ...]] = (), words: frozenset[str] = frozenset(),
) -> tuple[str, tuple[str, ...]]:
    """The best phrase (and its word keys) that is not in ``taken``, no part of a larger theme's label
    (``siblings``: "Late" or "Delivery" would read as "Late delivery") and holds none of ``words`` (the words
    of the larger themes' labels, for broad themes); written as most of the texts write it. With ``widen``, a
    one-word phrase grows into the phrase around it that most of its texts write (``_widened``). A phrase that
    ends with a verb of ``END_WORDS`` never stands as a label."""
    candidates = [(score, key) for score, key in ranked[:40] if readable(key)]
    for _score, key in candidates:
        if widen and len(key) == 1:
            key = _widened(key, candidates, phrases, members)
        if words.intersection(key) or any(_inside(key, other) for other in siblings):
            continue
        label = phrases.plural.get(key, phrases.surface[key])  # one word names a topic: "Invoices", "Refunds"
        first = label.split(" ", 1)[0]
        if first == first.lower():  # "iPhone app", "VAT number" keep their capitals
            label = label[:1].upper() + label[1:]
        if label.lower() not in taken:
            return label, key
    return "", ()


def _joined_label(
    ranked: list[tuple[float, tuple[str, ...]]], phrases: Phrases, members: list[int], taken: set[str],
    widen: bool = True,
) -> str:
    """Fine themes (many, close together: no ``broad``): the best phrase not already a label, widened
    (``widen``) to 2 words with the next best phrase when it has one, in the texts' word order; the second
    phrase tells close themes apart (BANKING77's "Card arrival" next to "Card delivery")."""
    candidates = [(score, key) for score, key in ranked[:40] if readable(key)]
    for score, key in candidates:
        parts = [key]
        if widen and len(key) < LABEL_WORDS[0]:
            extra = next((o for s, o in candidates if s >= PARTNER_SHARE * score and o != key
                          and len(key) + len(o) <= LABEL_WORDS[1] - 1 and not _related(o, key)), None)
            if extra is not None:
                parts.append(extra)
        parts.sort(key=lambda p: _typical_position(p, phrases, members))
        if len(parts) == 2 and _together(parts[1] + parts[0], phrases, members) > _together(
                parts[0] + parts[1], phrases, members):
            parts.reverse()  # "Late delivery" where the texts write it so, though "delivery" comes first more
        label = " ".join(phrases.surface[p] for p in parts)
        first = label.split(" ", 1)[0]
        if first == first.lower():  # "iPhone app", "VAT number" keep their capitals
            label = label[:1].upper() + label[1:]
        if label.lower() not in taken:
            return label
    return ""


def _widened(
    key: tuple[str, ...], candidates: list[tuple[float, tuple[str, ...]]], phrases: Phrases, members: list[int]
) -> tuple[str, ...]:
    """The phrase of two or three words around the one word ``key`` that the theme's texts write most often,
    when the texts agree on it: at least ``WIDEN_SHARE`` of the texts that hold the word write it so, and at
    least twice as many as write any other phrase around it ("refund" -> "refund slow"; "support" stays
    "support" when "customer support" and "chat support" are as common). Else ``key`` itself: labels are
    always phrases the texts write, never two phrases put side by side."""
    wider = sorted(((_together(other, phrases, members), -len(other), score, other) for score, other in candidates
                    if 1 < len(other) <= LABEL_WORDS[1] - 1 and _inside(key, other)), reverse=True)
    if not wider:
        return key
    count, _length, _score, best = wider[0]
    rival = next((c for c, _l, _s, other in wider[1:] if not (_inside(best, other) or _inside(other, best))), 0)
    return best if count >= WIDEN_SHARE * _together(key, phrases, members) and count >= 2 * rival else key


def readable(key: tuple[str, ...]) -> bool:
    """Whether a phrase (word keys) can stand as a label: it neither starts nor ends with a weak word, and does
    not end with a verb that leaves it hanging."""
    return bool(key) and key[0] not in WEAK_WORDS and key[-1] not in WEAK_WORDS | END_WORDS


def _together(key: tuple[str, ...], phrases: Phrases, members: list[int]) -> int:
    """How many of the theme's texts hold ``key`` as one phrase."""
    return sum(1 for i in members if key in phrases.per_text[i])


def _related(one: tuple[str, ...], other: tuple[str, ...]) -> bool:
    """Whether two phrases share a word or a word's stem ("return"/"returning", "deliver"/"delivery")."""
    one_words = [w for word in one for w in word.split("-")]
    return any(a[:5] == b[:5] for a in one_words for b in (w for word in other for w in word.split("-")))


def _typical_position(key: tuple[str, ...], phrases: Phrases, members: list[int]) -> float:
    spots = [phrases.position[i][key] for i in members if key in phrases.position[i]]
    return sum(spots) / len(spots) if spots else math.inf


@dataclass(frozen=True)
class Naming:
    """A theme's label and keywords."""

    label: str
    keywords: list[str]
    #: The label's word keys ("late", "delivery"); empty for "Miscellaneous".
    key: tuple[str, ...] = ()


def name_themes(
    texts: Sequence[str], labels: Sequence[int], count: int = KEYWORDS, phrases: Phrases | None = None,
    taken: set[str] | None = None, widen: bool = True, broad: bool = False, distinct_words: bool = False,
) -> list[Naming]:
    """A label and the ``count`` best keywords for each theme (index = theme id; ``labels[i]`` is the theme
    of ``texts[i]``). Larger themes choose their label first; a theme with no topic word is "Miscellaneous".
    ``phrases`` (from :func:`phrases_of` on the same texts) saves reading the texts again; no label is one of
    ``taken`` (lower case: parent themes are never named as one of their themes); ``widen=False`` keeps one-word
    labels (a parent theme's "Delivery", "Refunds")."""
    k = max(labels) + 1 if labels else 0
    if k == 0:
        return []
    phrases = phrases or phrases_of(texts)
    ranked = _scores(phrases, labels, k)
    members: dict[int, list[int]] = defaultdict(list)
    for index, theme in enumerate(labels):
        members[theme].append(index)
    taken = set(taken or ())
    siblings: list[tuple[str, ...]] = []
    names: list[Naming | None] = [None] * k
    for theme in sorted(range(k), key=lambda t: (-len(members[t]), t)):
        words = frozenset(w for key in siblings for w in key) if distinct_words else frozenset()
        if broad:
            label, key = _label(ranked[theme], phrases, members[theme], taken, widen, siblings, words)
        else:
            label, key = _joined_label(ranked[theme], phrases, members[theme], taken, widen), ()
        label = label or _fallback(taken)
        taken.add(label.lower())
        if key:
            siblings.append(key)
        names[theme] = Naming(label, _keywords(ranked[theme], phrases.surface, count), key)
    return [n for n in names if n is not None]


def _fallback(taken: set[str]) -> str:
    label, number = "Miscellaneous", 2
    while label.lower() in taken:
        label, number = f"Miscellaneous {number}", number + 1
    return label


def theme_keywords(texts: Sequence[str], labels: Sequence[int], count: int = KEYWORDS) -> list[list[str]]:
    """The ``count`` most representative and distinctive phrases of each theme (index = theme id)."""
    return [n.keywords for n in name_themes(texts, labels, count)]

