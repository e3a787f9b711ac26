#!/usr/bin/env python3
"""Writes this directory's slice of Fashion-MNIST: the first 600 training and 200 test images with their
labels, as gzipped IDX files, from Debian's dataset-fashion-mnist (/usr/share/datasets/fashion-mnist).
Fashion-MNIST is by Zalando Research (Han Xiao, Kashif Rasul, Roland Vollgraf), under the MIT license:
https://github.com/zalandoresearch/fashion-mnist"""
import gzip, struct, sys

SRC = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/datasets/fashion-mnist"
for split, n in (("train", 600), ("t10k", 200)):
    with gzip.open(f"{SRC}/{split}-images-idx3-ubyte.gz") as f:
        magic, count, rows, cols = struct.unpack(">IIII", f.read(16))
        pixels = f.read(n * rows * cols)
    with gzip.GzipFile(f"{split}-images-idx3-ubyte.gz", "wb", mtime=0) as f:
        f.write(struct.pack(">IIII", magic, n, rows, cols) + pixels)
    with gzip.open(f"{SRC}/{split}-labels-idx1-ubyte.gz") as f:
        magic, count = struct.unpack(">II", f.read(8))
        labels = f.read(n)
    with gzip.GzipFile(f"{split}-labels-idx1-ubyte.gz", "wb", mtime=0) as f:
        f.write(struct.pack(">II", magic, n) + labels)
