"""How well the demo's feedback themes recover the demo generator's own topics, with the model and without.

``python -m benchmarks demo_themes [--seed N]``: builds the demo's 3,200 feedback texts with the demo's own
generator (``headway.discovery.demo.make_feedback``; its topic per text is used only to score), finds themes as
the demo does (near-duplicate themes merged at ``THEME_MERGE``) and without merging, with all-MiniLM-L6-v2 when
it is installed and with the TF-IDF + LSA fallback, and prints a Markdown table for ``benchmarks/RESULTS.md``:

- **NMI** between themes and the generator's topics;
- **labels with the topic's words**: the share of themes whose label holds a word of the topic most of its
  texts come from (``TOPIC_WORDS``), by themes and by texts;
- **themes per topic**: how many themes the largest topic (late deliveries) is spread over (most texts).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

OUT = Path(__file__).resolve().parents[1] / "out"
AS_OF, LAUNCH = date(2026, 11, 30), date(2026, 9, 1)
#: Words a retail team would expect in the label of each of the generator's topics.
TOPIC_WORDS: dict[str, set[str]] = {
    "delivery": {"delivery", "deliveries", "late", "courier", "shipping", "delay", "delayed", "tracking"},
    "checkout": {"checkout", "payment", "card", "pay"},
    "search": {"search", "results", "searching", "relevance"},
    "returns": {"return", "returns", "refund", "refunds"},
    "crashes": {"app", "crash", "crashes", "crashing", "freezes"},
    "pricing": {"price", "prices", "pricing", "expensive", "fees", "increase", "competitors"},
    "invoices": {"invoice", "invoices", "vat", "pdf"},
    "stock": {"stock", "alerts"},
    "support": {"support", "service", "chat", "respond", "hold"},
    "praise": {"quality", "service", "discounts", "reorder", "staff", "value"},
    "oneclick": {"one-click", "accidental", "charged", "confirm", "confirmation"},
}


def corpus(seed: int) -> tuple[list[str], list[str]]:
    """The demo generator's texts and the topic each was written from."""
    from headway.discovery.demo import make_feedback

    records = make_feedback(np.random.default_rng(seed), as_of=AS_OF, days=180, launch_day=LAUNCH)
    return [r["text"] for r in records], [r["theme_key"] for r in records]


def score(truth: list[str], assignments: list[int], labels: list[str]) -> dict[str, Any]:
    """NMI, labels holding their majority topic's words (by themes and by texts), themes per topic."""
    from sklearn.metrics import normalized_mutual_info_score

    majority: dict[int, str] = {}
    sizes = Counter(assignments)
    for theme in sizes:
        majority[theme] = Counter(t for t, a in zip(truth, assignments, strict=True) if a == theme).most_common(1)[0][0]
    hits = {theme: bool(set(labels[theme].lower().split()) & TOPIC_WORDS[majority[theme]]) for theme in sizes}
    spread = Counter(majority.values())
    return {
        "nmi": round(float(normalized_mutual_info_score(truth, assignments)), 4),
        "themes": len(sizes),
        "labels_with_topic_words": round(sum(hits.values()) / len(hits), 4),
        "texts_under_such_labels": round(sum(sizes[t] for t, ok in hits.items() if ok) / len(truth), 4),
        "delivery_themes": spread["delivery"],
        "labels": [labels[t] for t, _ in sizes.most_common()],
    }


def main(argv: list[str]) -> int:
    """Run every configuration, print JSON lines and the Markdown table, write benchmarks/out/demo_themes.json."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks demo_themes")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    from threadpoolctl import threadpool_limits

    from headway.discovery.demo import THEME_MERGE
    from headway.discovery.engine import find_themes, model_available

    texts, truth = corpus(args.seed)
    methods = (["minilm"] if model_available() else []) + ["lexical"]
    results = []
    for method in methods:
        for merge in (THEME_MERGE, None):
            wall, cpu = time.perf_counter(), time.process_time()
            with threadpool_limits(limits=1, user_api="blas"):  # as the demo runs it
                found = find_themes(texts, seed=0, method=method, merge=merge)  # type: ignore[arg-type]
            row = {"method": found.method, "merge": merge, "items": len(texts),
                   "seconds": round(time.perf_counter() - wall, 1), "cpu_seconds": round(time.process_time() - cpu, 1),
                   **score(truth, found.assignments, [t.label for t in found.themes])}
            results.append(row)
            print(json.dumps(row), flush=True)
    machine = (f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python "
               f"{platform.python_version()}, load average {os.getloadavg()[0]:.1f} at the end")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "demo_themes.json").write_text(json.dumps({"machine": machine, "results": results}, indent=2))
    print(f"\nmachine: {machine}\n")
    print("| method | merge | themes | NMI | labels with the topic's words | texts under them | delivery themes "
          "| CPU s |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(f"| {r['method']} | {r['merge'] if r['merge'] is not None else 'none'} | {r['themes']} | {r['nmi']:.3f} "
              f"| {r['labels_with_topic_words']:.0%} | {r['texts_under_such_labels']:.0%} | {r['delivery_themes']} "
              f"| {r['cpu_seconds']:.0f} |")
    return 0
