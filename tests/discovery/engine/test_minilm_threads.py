"""The sentence encoder runs a search query's small batch on one BLAS thread, with the same vectors."""

from __future__ import annotations

import numpy as np
import pytest
from threadpoolctl import threadpool_info, threadpool_limits

from headway.discovery.engine import minilm, model_available


@pytest.mark.skipif(not model_available(), reason="needs the `ai` extra (sentence-embedding model)")
def test_a_query_runs_on_one_blas_thread_with_the_same_vector(monkeypatch):
    folder = minilm.model_dir()
    assert folder is not None
    encoder = minilm.MiniLMEncoder(folder)
    query = "One-click checkout: customers abandon at the payment step"
    with threadpool_limits(limits=2, user_api="blas"):
        threads: list[int] = []
        forward = encoder._forward

        def watched(ids, mask):
            threads.append(max(i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"))
            return forward(ids, mask)

        monkeypatch.setattr(encoder, "_forward", watched)
        small = encoder.encode([query])
        big = encoder.encode([f"{query} {query} {query} {k}" for k in range(64)])
    assert threads[0] == 1 and threads[1] == 2  # the 64-text batch keeps both threads
    with threadpool_limits(limits=2, user_api="blas"):
        monkeypatch.setattr(minilm, "SMALL_BATCH_TOKENS", 0)
        two_threads = encoder.encode([query])
    np.testing.assert_allclose(small, two_threads, rtol=0, atol=1e-6)
    assert big.shape == (64, encoder.dimension)
