"""Search holds BLAS to one thread per request's products."""

from __future__ import annotations

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits

from backqa.search.threads import BLAS_THREADS, limit_blas_threads


def test_every_loaded_blas_runs_one_thread_and_products_still_agree() -> None:
    matrix = np.random.default_rng(0).standard_normal((300, 384)).astype(np.float32)
    question = matrix[0]
    with threadpool_limits(limits=2, user_api="blas"):  # undone when the test ends
        before = matrix @ question
        limit_blas_threads()
        blas = [lib for lib in threadpool_info() if lib["user_api"] == "blas"]
        assert blas and all(lib["num_threads"] == BLAS_THREADS for lib in blas)
        assert np.allclose(matrix @ question, before, atol=1e-4)
