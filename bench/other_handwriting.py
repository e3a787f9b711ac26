#!/usr/bin/python3
"""How mnist models do on handwriting that is not MNIST's (optional: the program never needs Python).

The 1,797 digits of the UCI "Optical Recognition of Handwritten Digits" set, as scikit-learn ships them
(`sklearn.datasets.load_digits`: 8x8 images, 0..16, written by 43 other people and scanned otherwise
than MNIST's), are written as 32x32 grayscale PNG files, dark ink on light paper, into a temporary
directory, and each model given classifies them all with `mnist predict --json`, which prepares every
image as MNIST's digits were made (inverted, cropped to the ink, scaled into 20x20, centred by mass in
28x28). Prints each model's accuracy and its accuracy per digit.

    apt-get install python3-sklearn
    /usr/bin/python3 bench/other_handwriting.py mlp.model cnn.model [--mnist target/mnist/bin/mnist]
"""
import argparse
import json
import os
import struct
import subprocess
import sys
import tempfile
import zlib


def png(gray, size):
    """A grayscale 8-bit PNG of size x size pixels, rows of gray values 0..255."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + bytes(gray[r * size:(r + 1) * size]) for r in range(size))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def main():
    p = argparse.ArgumentParser(description="mnist models on the UCI handwritten digits")
    p.add_argument("models", nargs="+", help="model files from `mnist train --save`")
    here = os.path.dirname(os.path.abspath(__file__))
    p.add_argument("--mnist", default=os.path.join(here, os.pardir, "target", "mnist", "bin", "mnist"),
                   help="the mnist launcher [target/mnist/bin/mnist]")
    a = p.parse_args()
    try:
        from sklearn.datasets import load_digits
    except ImportError:
        sys.exit("other_handwriting.py: needs scikit-learn (apt-get install python3-sklearn)")
    digits = load_digits()
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for i, (image, label) in enumerate(zip(digits.images, digits.target)):
            path = os.path.join(tmp, f"{i:04d}-{label}.png")
            # each of the 8x8 cells as 4x4 pixels, ink 16 -> black (0), paper 0 -> white (255)
            gray = [255 - int(image[r // 4][c // 4]) * 255 // 16 for r in range(32) for c in range(32)]
            with open(path, "wb") as f:
                f.write(png(gray, 32))
            files.append((path, int(label)))
        print(f"{len(files)} UCI digits (8x8, 0..16) from scikit-learn's load_digits, as 32x32 PNGs, dark on light")
        for model in a.models:
            run = subprocess.run([a.mnist, "predict", "--model", model, "--json"] + [f for f, _ in files],
                                 capture_output=True, text=True)
            if run.returncode != 0:
                sys.exit(f"other_handwriting.py: mnist predict failed: {run.stderr.strip()}")
            result = json.loads(run.stdout)
            right, per, seen = 0, [0] * 10, [0] * 10
            for (path, label), prediction in zip(files, result["predictions"]):
                seen[label] += 1
                if prediction.get("predicted") == str(label):
                    right += 1
                    per[label] += 1
            print(f"{model} ({result['architecture']}): {right / len(files):.4f} right ({right} of {len(files)}); "
                  f"per digit " + " ".join(f"{d}:{per[d] / seen[d]:.2f}" for d in range(10)))


if __name__ == "__main__":
    main()
