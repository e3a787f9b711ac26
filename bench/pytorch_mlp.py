#!/usr/bin/python3
"""PyTorch twin of the default `mnist train`, for comparing seconds per epoch (optional: the program
never needs Python).

The same network and training as `mnist train` with no flags: 784-256-128-10, ReLU, He initialisation
(kaiming normal, fan_in) and zero biases, Adam (lr 1e-3, betas 0.9 and 0.999, eps 1e-8) with the
cosine schedule per epoch (lr = 0.5 * lr0 * (1 + cos(pi * epoch / epochs)), epoch from 0), batches of
128 (the last one of 88), softmax cross-entropy, float32; trained on the first 55,000 images of a
seeded shuffle of the 60,000 training images (pixels / 255), reshuffled every epoch; the other 5,000
validate each epoch and the best epoch is kept for the test accuracy.

Timed, as mnist times its epochs: the shuffle, every batch (forward, loss, backward, step) and the
validation pass. Not timed: reading and decoding the IDX files, the tensors (made once), the model.

    /usr/bin/python3 bench/pytorch_mlp.py --threads 1 --epochs 12

Debian's python3-torch links the system BLAS (libblas.so.3): with the reference BLAS the matrix
products are several times slower than with OpenBLAS (apt-get install libopenblas0-pthread); the
script prints the library in use. If OPENBLAS_CORETYPE or OPENBLAS_L2_SIZE are set, run it under
`env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE` so that OpenBLAS picks its kernels itself.
"""
import argparse
import gzip
import math
import os
import statistics
import struct
import sys
import time

DEFAULT_DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir,
                            "src", "mnist.dataset", "main", "resources", "mnist", "dataset")
# The bundled training images are in mnist's own packed format; the published gzip is kept here.
SOURCE_DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "src", "mnist.dataset", "source")


def idx_path(directory, name):
    """name(.gz) in directory or, for the bundled copy, in its source/ directory; None if not found."""
    directories = [directory]
    if os.path.normpath(directory) == os.path.normpath(DEFAULT_DATA):
        directories.append(SOURCE_DATA)
    for d in directories:
        for candidate in (name + ".gz", name):
            path = os.path.join(d, candidate)
            if os.path.exists(path):
                return path
    return None


def parse_args():
    p = argparse.ArgumentParser(description="PyTorch twin of the default `mnist train` (784-256-128-10, Adam, cosine)")
    p.add_argument("--data", default=os.path.normpath(DEFAULT_DATA),
                   help="directory with the four MNIST IDX files, gzipped or not [the project's bundled copy]")
    p.add_argument("--threads", type=int, default=1, help="torch.set_num_threads (and the BLAS threads) [1]")
    p.add_argument("--epochs", type=int, default=12, help="epochs [12]")
    p.add_argument("--batch", type=int, default=128, help="batch size [128]")
    p.add_argument("--lr", type=float, default=1e-3, help="Adam's learning rate before the schedule [0.001]")
    p.add_argument("--seed", type=int, default=1, help="seed of the split, the shuffles and the initialisation [1]")
    p.add_argument("--validation", type=int, default=5000, help="images held out of the 60,000 [5000]")
    a = p.parse_args()
    if a.threads < 1 or a.epochs < 1 or a.batch < 1 or not 0 <= a.validation < 60000:
        p.error("--threads, --epochs and --batch must be at least 1, --validation between 0 and 59999")
    return a


def read_idx(directory, name):
    """An IDX file (big-endian: 0, 0, type 0x08, dimensions, then one 4-byte size each) as a numpy array."""
    import numpy as np
    path = idx_path(directory, name)
    if path is None:
        sys.exit(f"pytorch_mlp.py: no {name}(.gz) in {directory}")
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] != 0x08:
        sys.exit(f"pytorch_mlp.py: {path} is not an IDX file of unsigned bytes")
    dims = raw[3]
    shape = struct.unpack(">" + "I" * dims, raw[4:4 + 4 * dims])
    if len(raw) != 4 + 4 * dims + math.prod(shape):
        sys.exit(f"pytorch_mlp.py: {path} has {len(raw)} bytes, its header says {shape}")
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def blas_library():
    """The BLAS shared library mapped into this process (after a matrix product has run)."""
    try:
        with open("/proc/self/maps") as f:
            libs = {line.split()[-1] for line in f if "blas" in line.lower() and "/" in line}
        return ", ".join(sorted(libs)) or "none mapped"
    except OSError:
        return "unknown"


def runtime(torch):
    """torch's version, threads, BLAS (mapped once a product has run), CPU capability and oneDNN, one line.
    Warns on stderr when the BLAS is the reference one (Debian's libblas3 without libopenblas0: several
    times slower, which would flatter mnist)."""
    blas = blas_library()
    if "/" in blas and not any(fast in blas.lower() for fast in ("openblas", "mkl", "blis")):
        print(f"warning: PyTorch runs on the reference BLAS ({blas}); for a fair comparison "
              "apt-get install libopenblas0-openmp (or -pthread)", file=sys.stderr)
    capability = next((line.split(":", 1)[1].strip() for line in torch.__config__.show().splitlines()
                       if "CPU capability" in line), "?")
    return (f"torch {torch.__version__}, {torch.get_num_threads()} thread(s), BLAS: {blas}, "
            f"CPU capability: {capability}, oneDNN: {torch.backends.mkldnn.is_available()}")


def main():
    a = parse_args()
    # Before torch loads its libraries: OpenMP and OpenBLAS read these at start.
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(a.threads)
    import torch
    torch.set_num_threads(a.threads)

    rng, n, train, validation, test = load(a, (784,), torch)

    torch.manual_seed(a.seed)
    model = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(),
                                torch.nn.Linear(256, 128), torch.nn.ReLU(),
                                torch.nn.Linear(128, 10))
    for layer in model:
        if isinstance(layer, torch.nn.Linear):
            torch.nn.init.kaiming_normal_(layer.weight, mode="fan_in", nonlinearity="relu")
            torch.nn.init.zeros_(layer.bias)
    optimizer = torch.optim.Adam(model.parameters(), lr=a.lr, betas=(0.9, 0.999), eps=1e-8)

    with torch.no_grad():
        model(validation[0][:a.batch])  # loads the BLAS, so that it can be named
    print(runtime(torch))
    print(f"784-256-128-10 ReLU, Adam lr {a.lr:g} cosine, batch {a.batch}, {n} training images, "
          f"{a.validation} validation, {a.epochs} epochs")

    def rate(epoch, batch):
        return 0.5 * a.lr * (1 + math.cos(math.pi * epoch / a.epochs))

    fit(a, torch, model, optimizer, rate, train, validation, test, n, rng)


def load(a, shape, torch):
    """The data, outside the timing: a seeded split of the 60,000 (NumPy's legacy generator, like mnist's
    default --rng numpy) into n training and a.validation validation images, each of the given shape,
    pixels / 255 as float32, tensors made once. Returns the generator (it shuffles the epochs next), n,
    and the (images, labels) of training, validation and test."""
    import numpy as np
    rng = np.random.RandomState(a.seed)
    images = read_idx(a.data, "train-images-idx3-ubyte").reshape((-1,) + shape)
    labels = read_idx(a.data, "train-labels-idx1-ubyte")
    test_images = read_idx(a.data, "t10k-images-idx3-ubyte").reshape((-1,) + shape)
    test_labels = read_idx(a.data, "t10k-labels-idx1-ubyte")
    split = rng.permutation(len(images))
    n = len(images) - a.validation

    def tensors(x, y):
        return torch.from_numpy(x.astype(np.float32) / 255), torch.from_numpy(y.astype(np.int64))

    return (rng, n, tensors(images[split[:n]], labels[split[:n]]), tensors(images[split[n:]], labels[split[n:]]),
            tensors(test_images, test_labels))


def fit(a, torch, model, optimizer, rate, train, validation, test, n, rng):
    """Trains and times a.epochs epochs as mnist does (shuffle, batches, validation), prints each epoch,
    the median epoch and the test accuracy of the best epoch; rate(epoch, batch) gives the learning rate."""
    import torch.nn.functional as F
    (x, y), (xv, yv), (xt, yt) = train, validation, test

    def accuracy(inputs, targets):
        model.eval()
        with torch.no_grad():
            correct = sum((model(inputs[i:i + 1000]).argmax(1) == targets[i:i + 1000]).sum().item()
                          for i in range(0, len(inputs), 1000))
        return correct / len(inputs)

    batches = (n + a.batch - 1) // a.batch
    seconds = []
    best_accuracy, best_state = -1.0, None
    for epoch in range(a.epochs):
        start = time.perf_counter()
        model.train()
        order = torch.from_numpy(rng.permutation(n))
        xs, ys = x.index_select(0, order), y.index_select(0, order)
        loss_sum = 0.0
        for b in range(batches):
            for group in optimizer.param_groups:
                group["lr"] = rate(epoch, b)
            xb, yb = xs[b * a.batch:(b + 1) * a.batch], ys[b * a.batch:(b + 1) * a.batch]
            loss = F.cross_entropy(model(xb), yb)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            loss_sum += loss.item() * len(yb)
        validation = accuracy(xv, yv) if a.validation else float("nan")
        if a.validation == 0 or validation > best_accuracy:
            best_accuracy = validation
            best_state = {k: v.clone() for k, v in model.state_dict().items()}
        seconds.append(time.perf_counter() - start)
        print(f"epoch {epoch + 1}  loss {loss_sum / n:.4f}  seconds {seconds[-1]:.3f}  "
              f"validation {validation:.4f}  lr {rate(epoch, batches - 1):.2e}", flush=True)

    steady = seconds[1:] or seconds
    label = f"epochs 2..{a.epochs}" if a.epochs > 1 else "epoch 1"
    print(f"median seconds per epoch ({label}): {statistics.median(steady):.3f} "
          f"[min {min(steady):.3f}, max {max(steady):.3f}]")
    model.load_state_dict(best_state)
    print(f"test accuracy: {accuracy(xt, yt):.4f} (best epoch by validation)")


if __name__ == "__main__":
    main()
