#!/usr/bin/python3
"""PyTorch twin of mnist's convolutional networks (`mnist train --model cnn`, `cnn-fast`, `--layers`),
for comparing seconds per epoch (optional: the program never needs Python).

The same layers, written the same way: --layers takes mnist's spec (convKxC with 'same' padding,
convKxC:valid, pool2, denseN, dropoutP; ReLU after every conv and dense layer; then a dense layer to the
10 classes), He initialisation (kaiming normal, fan_in) and zero biases, Adam (betas 0.9 and 0.999,
eps 1e-8) with mnist's schedules: onecycle per step (from lr/25 up to lr over the first 20% of the steps,
then half a cosine down to 0) or cosine per epoch; softmax cross-entropy, float32. Data as in
pytorch_mlp.py: a seeded shuffle of the 60,000 training images (pixels / 255), the last --validation of
them held out, reshuffled every epoch, the best epoch by validation kept for the test accuracy.

Timed, as mnist times its epochs: the shuffle, every batch (forward, loss, backward, step) and the
validation pass. Not timed: reading the IDX files, the tensors (made once), the model.

    /usr/bin/python3 bench/pytorch_cnn.py --model cnn --threads 2
    /usr/bin/python3 bench/pytorch_cnn.py --layers conv5x16,pool2,dense64 --epochs 2 --lr 0.001

As for pytorch_mlp.py, run it under `env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE` if those are set.
"""
import argparse
import math
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pytorch_mlp import DEFAULT_DATA, fit, load, runtime  # noqa: E402  (the same data, BLAS report and loop)

# mnist's recipes: layers, epochs, batch, learning rate, schedule, validation
RECIPES = {
    "cnn": ("conv5x32:valid,pool2,conv3x64:valid,pool2,dense256,dropout0.5", 8, 128, 0.003, "onecycle", 5000),
    "cnn-fast": ("conv5x16:valid,pool2,conv3x32:valid,pool2,dense128", 2, 64, 0.004, "onecycle", 0),
}


def parse_args():
    p = argparse.ArgumentParser(description="PyTorch twin of mnist's convolutional networks")
    p.add_argument("--model", choices=sorted(RECIPES), default="cnn", help="the recipe's defaults [cnn]")
    p.add_argument("--layers", help="mnist's layer spec [the recipe's]")
    p.add_argument("--data", default=os.path.normpath(DEFAULT_DATA), help="directory with the four MNIST IDX files")
    p.add_argument("--threads", type=int, default=1, help="torch.set_num_threads (and the BLAS threads) [1]")
    p.add_argument("--epochs", type=int, help="epochs [the recipe's]")
    p.add_argument("--batch", type=int, help="batch size [the recipe's]")
    p.add_argument("--lr", type=float, help="Adam's learning rate [the recipe's]")
    p.add_argument("--schedule", choices=["onecycle", "cosine"], help="[the recipe's]")
    p.add_argument("--seed", type=int, default=1, help="seed of the split, the shuffles and the initialisation [1]")
    p.add_argument("--validation", type=int, help="images held out of the 60,000 [the recipe's]")
    a = p.parse_args()
    layers, epochs, batch, lr, schedule, validation = RECIPES[a.model]
    a.layers = a.layers if a.layers is not None else layers
    a.epochs = a.epochs or epochs
    a.batch = a.batch or batch
    a.lr = a.lr or lr
    a.schedule = a.schedule or schedule
    a.validation = validation if a.validation is None else a.validation
    if a.threads < 1 or a.epochs < 1 or a.batch < 1 or not 0 <= a.validation < 60000:
        p.error("--threads, --epochs and --batch must be at least 1, --validation between 0 and 59999")
    return a


def build(spec, torch):
    """The network of an mnist layer spec over 1x28x28 images, ending in a dense layer to 10 classes."""
    nn = torch.nn
    modules, channels, height, width, units = [], 1, 28, 28, None
    for token in filter(None, (t.strip() for t in spec.split(","))):
        conv = re.fullmatch(r"conv(\d+)x(\d+)(:valid|:same)?", token)
        if conv:
            k, out, valid = int(conv.group(1)), int(conv.group(2)), conv.group(3) == ":valid"
            pad = 0 if valid else k // 2
            modules += [nn.Conv2d(channels, out, k, padding=pad), nn.ReLU()]
            channels, height, width = out, height + 2 * pad - k + 1, width + 2 * pad - k + 1
        elif token == "pool2":
            modules.append(nn.MaxPool2d(2))
            height, width = height // 2, width // 2
        elif token.startswith("dense"):
            if units is None:
                modules.append(nn.Flatten())
                units = channels * height * width
            modules += [nn.Linear(units, int(token[5:])), nn.ReLU()]
            units = int(token[5:])
        elif token.startswith("dropout"):
            modules.append(nn.Dropout(float(token[7:])))
        else:
            sys.exit(f"pytorch_cnn.py: unknown layer '{token}'")
    if units is None:
        modules.append(nn.Flatten())
        units = channels * height * width
    modules.append(nn.Linear(units, 10))
    model = nn.Sequential(*modules)
    for m in model:
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            nn.init.kaiming_normal_(m.weight, mode="fan_in", nonlinearity="relu")
            nn.init.zeros_(m.bias)
    return model


def main():
    a = parse_args()
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(a.threads)
    import torch
    torch.set_num_threads(a.threads)

    rng, n, train, validation, test = load(a, (1, 28, 28), torch)

    torch.manual_seed(a.seed)
    model = build(a.layers, torch)
    optimizer = torch.optim.Adam(model.parameters(), lr=a.lr, betas=(0.9, 0.999), eps=1e-8)
    with torch.no_grad():
        model.eval()
        model(test[0][:a.batch])  # loads the BLAS, so that it can be named
    print(runtime(torch))
    print(f"{a.layers} ({sum(p.numel() for p in model.parameters())} parameters), Adam lr {a.lr:g} {a.schedule}, "
          f"batch {a.batch}, {n} training images, {a.validation} validation, {a.epochs} epochs")

    batches = (n + a.batch - 1) // a.batch
    total, warm = a.epochs * batches, max(1, a.epochs * batches // 5)

    def rate(epoch, b):
        if a.schedule == "cosine":
            return 0.5 * a.lr * (1 + math.cos(math.pi * epoch / a.epochs))
        step = epoch * batches + b
        if step < warm:
            return a.lr * (0.04 + 0.96 * step / warm)
        return a.lr * 0.5 * (1 + math.cos(math.pi * (step - warm) / max(1, total - warm)))

    fit(a, torch, model, optimizer, rate, train, validation, test, n, rng)


if __name__ == "__main__":
    main()
