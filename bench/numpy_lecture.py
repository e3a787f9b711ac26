#!/usr/bin/python3
"""The lecture's full-batch epoch in numpy float32, for comparing with `mnist train --model softmax`
(optional: the program never needs Python).

784-64-10, sigmoid hidden layer, softmax output, the 60,000 training images (pixels / 255) in one
batch: forward, cross-entropy loss, backward, gradient-descent update, as the lecture writes them
(samples in columns), in float32. Prints the median seconds per epoch over epochs 2..N.

    /usr/bin/python3 bench/numpy_lecture.py --threads 1 --epochs 20

The BLAS threads are set before numpy loads (OPENBLAS_NUM_THREADS, OMP_NUM_THREADS). If
OPENBLAS_CORETYPE or OPENBLAS_L2_SIZE are set, run it under `env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE`
so that OpenBLAS picks its kernels itself.
"""
import argparse
import gzip
import os
import statistics
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pytorch_mlp import DEFAULT_DATA, idx_path  # noqa: E402  (the bundled copy's files; torch is not imported)


def main():
    p = argparse.ArgumentParser(description="numpy float32 twin of the lecture's full-batch epoch (784-64-10)")
    p.add_argument("--data", default=os.path.normpath(DEFAULT_DATA), help="directory with train-images-idx3-ubyte(.gz)")
    p.add_argument("--threads", type=int, default=1, help="BLAS threads [1]")
    p.add_argument("--epochs", type=int, default=20, help="epochs [20]")
    a = p.parse_args()
    if a.threads < 1 or a.epochs < 2:
        p.error("--threads must be at least 1 and --epochs at least 2")
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(a.threads)
    import numpy as np

    def read(name):
        path = idx_path(a.data, name)
        if path is None:
            sys.exit(f"numpy_lecture.py: no {name}(.gz) in {a.data}")
        opener = gzip.open if path.endswith(".gz") else open
        with opener(path, "rb") as f:
            data = f.read()
        dims = data[3]
        shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
        return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)

    x = (read("train-images-idx3-ubyte").reshape(-1, 784).T / np.float32(255)).astype(np.float32)   # (784, m)
    labels = read("train-labels-idx1-ubyte")
    m = x.shape[1]
    y = np.zeros((10, m), dtype=np.float32)
    y[labels, np.arange(m)] = 1
    rng = np.random.RandomState(1)
    w1 = (rng.randn(64, 784) * np.sqrt(1 / 784)).astype(np.float32)
    b1 = np.zeros((64, 1), dtype=np.float32)
    w2 = (rng.randn(10, 64) * np.sqrt(1 / 64)).astype(np.float32)
    b2 = np.zeros((10, 1), dtype=np.float32)
    lr = np.float32(1)
    seconds = []
    for epoch in range(a.epochs):
        start = time.perf_counter()
        z1 = w1 @ x + b1
        a1 = 1 / (1 + np.exp(-z1))
        z2 = w2 @ a1 + b2
        e = np.exp(z2 - z2.max(axis=0))
        a2 = e / e.sum(axis=0)
        loss = -np.sum(y * np.log(a2)) / m
        dz2 = a2 - y
        dw2 = (dz2 @ a1.T) / m
        db2 = dz2.sum(axis=1, keepdims=True) / m
        da1 = w2.T @ dz2
        dz1 = da1 * a1 * (1 - a1)
        dw1 = (dz1 @ x.T) / m
        db1 = dz1.sum(axis=1, keepdims=True) / m
        w2 -= lr * dw2
        b2 -= lr * db2
        w1 -= lr * dw1
        b1 -= lr * db1
        seconds.append(time.perf_counter() - start)
        print(f"epoch {epoch + 1}  loss {loss:.4f}  seconds {seconds[-1]:.4f}", flush=True)
    steady = seconds[1:]
    print(f"median seconds per epoch (epochs 2..{a.epochs}): {statistics.median(steady):.4f} "
          f"[{min(steady):.4f}, {max(steady):.4f}], {a.threads} thread{'s' if a.threads > 1 else ''}, numpy {np.__version__}")


if __name__ == "__main__":
    main()
