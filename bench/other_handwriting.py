#!/usr/bin/python3
"""How mnist models do on handwriting that is not MNIST's (optional: the program never needs Python).

The 1,797 digits of the UCI "Optical Recognition of Handwritten Digits" set, as scikit-learn ships them
(`sklearn.datasets.load_digits`: 8x8 images, 0..16, written by other people and scanned otherwise than
MNIST's), are written as PGM files (light ink on dark, maxval 16) into a temporary directory, and each
model given classifies them all with `mnist predict --json`, which prepares every image as MNIST's
digits were made (cropped to the ink, scaled into 20x20, centred by mass in 28x28). Prints each model's
accuracy and its accuracy per digit.

    apt-get install python3-sklearn
    /usr/bin/python3 bench/other_handwriting.py mlp.model cnn.model [--mnist target/mnist/bin/mnist]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile


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
            path = os.path.join(tmp, f"{i:04d}-{label}.pgm")
            with open(path, "wb") as f:
                f.write(b"P5\n8 8\n16\n" + bytes(int(v) for v in image.reshape(-1)))
            files.append((path, int(label)))
        print(f"{len(files)} UCI digits (8x8, 0..16), from scikit-learn's load_digits")
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
