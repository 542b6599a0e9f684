"""Search's own arithmetic runs on one thread per request.

A question's matrix products are small (the question against its candidates' passages,
sentences and claims, and the notice's labelled examples) and requests already run side by
side on the search threads, so BLAS worker threads only add work: OpenBLAS's idle workers
spin after each product waiting for the next. In-process search over the shipped library
(300 questions, 2-core machine) took 21.9 ms of CPU a question with numpy's default of one
BLAS thread per core and 14.9 ms with one, and its median fell from 11.0 to 10.1 ms
(docs/performance.md, "BLAS threads"). FAISS's OpenMP threads are held at one when its index
is loaded, for the same reason (`index.vectors.SEARCH_THREADS`).
"""

from __future__ import annotations

from threadpoolctl import threadpool_limits

BLAS_THREADS = 1


def limit_blas_threads() -> None:
    """Hold every BLAS library loaded in this process (numpy's, SciPy's, FAISS's OpenBLAS) to
    `BLAS_THREADS` threads, from now on."""
    threadpool_limits(limits=BLAS_THREADS, user_api="blas")
