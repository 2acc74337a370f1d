"""Feedback themes on BANKING77: Headway (model and fallback) against two baselines given the true k.

``python -m benchmarks discovery [--quick]`` or ``python -m benchmarks.discovery [--quick]``. Reads
``tests/data/feedback/banking77/{test,train}.csv`` (CC BY 4.0, see its README); labels are used only to score.
Writes ``benchmarks/out/discovery.json`` and prints a Markdown table for ``benchmarks/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "tests" / "data" / "feedback" / "banking77"
OUT = REPO / "benchmarks" / "out"
SCALE = 10_000


def load(split: str) -> tuple[list[str], list[str]]:
    """Texts and categories of a BANKING77 split."""
    with (DATA / f"{split}.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [r["text"] for r in rows], [r["category"] for r in rows]


def scores(truth: list[str], found: list[int]) -> dict[str, float]:
    """NMI, ARI and accuracy after the best one-to-one matching of themes to categories (Hungarian)."""
    from scipy.optimize import linear_sum_assignment
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    names = sorted(set(truth))
    y = np.asarray([names.index(t) for t in truth])
    p = np.asarray(found)
    table = np.zeros((p.max() + 1, y.max() + 1))
    np.add.at(table, (p, y), 1)
    rows, cols = linear_sum_assignment(-table)
    return {
        "nmi": round(float(normalized_mutual_info_score(y, p)), 4),
        "ari": round(float(adjusted_rand_score(y, p)), 4),
        "accuracy": round(float(table[rows, cols].sum() / len(y)), 4),
        "themes": len(np.unique(p)),
    }


def timed(run: Callable[[], list[int]]) -> tuple[list[int], dict[str, float]]:
    """The result of ``run`` with its wall-clock seconds and the CPU seconds of this process (all threads).

    CPU seconds do not grow when other programs share the machine, so they bound what an idle 2-core
    machine needs: wall >= cpu / 2, and wall ~ cpu for the single-threaded steps.
    """
    wall, cpu = time.perf_counter(), time.process_time()
    found = run()
    return found, {
        "seconds": round(time.perf_counter() - wall, 2),
        "cpu_seconds": round(time.process_time() - cpu, 2),
    }


def headway(texts: list[str], method: str) -> list[int]:
    from headway.discovery import find_themes

    return find_themes(texts, seed=0, method=method).assignments  # type: ignore[arg-type]


def minilm_kmeans(texts: list[str], k: int) -> list[int]:
    """Baseline: all-MiniLM-L6-v2 vectors + k-means given the true number of categories."""
    from sklearn.cluster import KMeans

    from headway.discovery.engine import embedder_for

    vectors = embedder_for("minilm").embed(texts).vectors
    return [int(x) for x in KMeans(k, n_init=3, random_state=0).fit_predict(vectors)]


def lsa_kmeans(texts: list[str], k: int) -> list[int]:
    """Baseline: TF-IDF + LSA (100 dimensions) + k-means given the true number of categories."""
    from sklearn.cluster import KMeans
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import normalize

    matrix = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform(texts)
    vectors = normalize(TruncatedSVD(100, random_state=0).fit_transform(matrix))
    return [int(x) for x in KMeans(k, n_init=3, random_state=0).fit_predict(vectors)]


def main(argv: list[str]) -> int:
    """Run the benchmark; ``--quick`` skips the 10,000-item timing."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks discovery")
    parser.add_argument("--quick", action="store_true", help="only the 3,080-message test set")
    args = parser.parse_args(argv)
    from headway.discovery.engine import model_available

    texts, truth = load("test")
    k = len(set(truth))
    runs: dict[str, Callable[[list[str]], list[int]]] = {}
    if model_available():
        runs["Headway, all-MiniLM-L6-v2 (ai extra), k automatic"] = lambda t: headway(t, "minilm")
    runs["Headway fallback, TF-IDF + LSA, k automatic"] = lambda t: headway(t, "lexical")
    if model_available():
        runs["baseline: all-MiniLM-L6-v2 + k-means, true k"] = lambda t: minilm_kmeans(t, k)
    runs["baseline: TF-IDF + LSA + k-means, true k"] = lambda t: lsa_kmeans(t, k)
    results: list[dict[str, Any]] = []
    for name, run in runs.items():
        found, times = timed(lambda run=run: run(texts))
        results.append({"name": name, "items": len(texts), **times, **scores(truth, found)})
        print(json.dumps(results[-1]), flush=True)
    if not args.quick:
        train, train_truth = load("train")
        big, big_truth = texts + train[: SCALE - len(texts)], truth + train_truth[: SCALE - len(texts)]
        for name, run in list(runs.items())[:2]:
            found, times = timed(lambda run=run: run(big))
            results.append({"name": name, "items": len(big), **times, **scores(big_truth, found)})
            print(json.dumps(results[-1]), flush=True)
    machine = (
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, load average {os.getloadavg()[0]:.1f} at the end"
    )
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "discovery.json").write_text(json.dumps({"machine": machine, "results": results}, indent=2))
    print(f"\nmachine: {machine}\n")
    print("| method | items | NMI | ARI | accuracy | themes | wall s | CPU s |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(
            f"| {r['name']} | {r['items']:,} | {r['nmi']:.3f} | {r['ari']:.3f} | {r['accuracy']:.3f} "
            f"| {r['themes']} | {r['seconds']:.1f} | {r['cpu_seconds']:.1f} |"
        )
    return 0
