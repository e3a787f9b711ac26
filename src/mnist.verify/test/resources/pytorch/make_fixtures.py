#!/usr/bin/env python3
"""Writes this directory's fixtures: two small networks made by PyTorch (an MLP and a CNN, seeded, trained
briefly on the first 2,000 MNIST training images), exported with torch.onnx.export, and the probabilities
PyTorch gives for the first 100 test images (one line per image, ten numbers). Run with Debian's
python3-torch (PyTorch 1.13), from this directory:

    /usr/bin/python3 make_fixtures.py ../../../../mnist.dataset/main/resources/mnist/dataset
"""
import gzip
import os, struct, sys
import numpy as np
import torch
import torch.nn as nn

DATA = sys.argv[1] if len(sys.argv) > 1 else "../../../../mnist.dataset/main/resources/mnist/dataset"


def idx(name):
    path = f"{DATA}/{name}.gz"
    if not os.path.exists(path):  # the bundled training images are packed; the published gzip is in source/
        path = f"{DATA}/../../../../source/{name}.gz"
    with gzip.open(path) as f:
        data = f.read()
    dims = data[3]
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


train_x = torch.tensor(idx("train-images-idx3-ubyte")[:2000], dtype=torch.float32) / 255
train_y = torch.tensor(idx("train-labels-idx1-ubyte")[:2000], dtype=torch.long)
test_x = torch.tensor(idx("t10k-images-idx3-ubyte")[:100], dtype=torch.float32) / 255

torch.manual_seed(1)
mlp = nn.Sequential(nn.Linear(784, 32), nn.ReLU(), nn.Linear(32, 10), nn.Softmax(dim=1))
cnn = nn.Sequential(nn.Conv2d(1, 6, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                    nn.Conv2d(6, 8, 5), nn.ReLU(), nn.MaxPool2d(2),
                    nn.Flatten(), nn.Linear(8 * 5 * 5, 16), nn.ReLU(), nn.Linear(16, 10), nn.Softmax(dim=1))

for name, net, x, shape in (("mlp", mlp, train_x.reshape(-1, 784), (1, 784)),
                            ("cnn", cnn, train_x.reshape(-1, 1, 28, 28), (1, 1, 28, 28))):
    optimizer = torch.optim.Adam(net.parameters(), lr=3e-3)
    for epoch in range(2):
        for b in range(0, 2000, 100):
            optimizer.zero_grad()
            p = net(x[b:b + 100])
            loss = nn.functional.nll_loss(torch.log(p + 1e-12), train_y[b:b + 100])
            loss.backward()
            optimizer.step()
    net.eval()
    torch.onnx.export(net, torch.zeros(shape), f"{name}.onnx", input_names=["input"], output_names=["probabilities"],
                      dynamic_axes={"input": {0: "N"}, "probabilities": {0: "N"}}, opset_version=13)
    with torch.no_grad():
        probabilities = net(test_x.reshape((-1,) + shape[1:])).numpy()
    np.savetxt(f"{name}-probabilities.txt", probabilities, fmt="%.9g")
