#!/usr/bin/env python3
"""OpenBLAS's own speed-up from a second thread, on the GEMMs of one training step of the default
network (784-256-128-10, batch 128): what bench/compare.sh sets mnist's thread scaling against.

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 python3 bench/openblas_gemm.py   (then 2 and 2)

Prints one line: the median seconds of one pass over the step's six products (forward, weight
gradient and input gradient of layers 1 and 2), float32, through numpy's BLAS (Debian's numpy and
torch use the same libopenblas). Needs numpy only.
"""
import statistics
import time

import numpy as np

rng = np.random.default_rng(0)
b, shapes = 128, [(784, 256), (256, 128)]
ops = []
for n_in, n_out in shapes:
    x = rng.standard_normal((b, n_in), dtype=np.float32)
    w = rng.standard_normal((n_out, n_in), dtype=np.float32)
    dy = rng.standard_normal((b, n_out), dtype=np.float32)
    ops += [(x, w.T), (dy.T, x), (dy, w)]   # y = x wᵀ, dw = dyᵀ x, dx = dy w


def one_pass():
    for a, c in ops:
        a @ c


for _ in range(200):
    one_pass()
times = []
for _ in range(9):
    reps = 100
    start = time.perf_counter()
    for _ in range(reps):
        one_pass()
    times.append((time.perf_counter() - start) / reps)
print(f"openblas step gemms seconds {statistics.median(times):.6f}")
