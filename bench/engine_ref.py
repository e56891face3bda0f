# PyTorch's side of `genlab bench engine`: times the same training steps on request, one JSON line each.
#
# Started by bench/engine.ts as `/usr/bin/python3 bench/engine_ref.py THREADS`; reads requests
# {"name", "batch", "steps", "reps", "warmup"} (or {"sgemm": N, "reps": R}) one per line on stdin
# and answers {"examplesPerSec": median, "all": [...]} (or {"gflops": median}) on stdout.
import json
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def mlp(sizes):
    layers = [nn.Flatten()]
    for i in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


def alexnet_small():
    # The paper's small AlexNet on 3x28x28 (TensorFlow's CIFAR-10 tutorial model, SAME convolutions).
    return nn.Sequential(
        nn.Conv2d(3, 64, 5, padding=2), nn.ReLU(), nn.MaxPool2d(3, 2), nn.LocalResponseNorm(5, 1e-4, 0.75, 1.0),
        nn.Conv2d(64, 64, 5, padding=2), nn.ReLU(), nn.LocalResponseNorm(5, 1e-4, 0.75, 1.0), nn.MaxPool2d(3, 2),
        nn.Flatten(), nn.Linear(64 * 6 * 6, 384), nn.ReLU(), nn.Linear(384, 192), nn.ReLU(), nn.Linear(192, 10))


def cnn_bn():
    return nn.Sequential(
        nn.Conv2d(3, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(64 * 7 * 7, 10))


MODELS = {
    "mlp-784-512-10": (lambda: mlp([784, 512, 10]), (1, 28, 28)),
    "mlp-3x512": (lambda: mlp([3 * 28 * 28, 512, 512, 512, 10]), (3, 28, 28)),
    "alexnet-small": (alexnet_small, (3, 28, 28)),
    "cnn-bn": (cnn_bn, (3, 28, 28)),
}


def train_rate(req):
    build, shape = MODELS[req["name"]]
    torch.manual_seed(0)
    model = build()
    x, y = torch.randn(req["batch"], *shape), torch.randint(0, 10, (req["batch"],))
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)

    def step():
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        return loss

    for _ in range(req["warmup"]):
        step()
    rates = []
    for _ in range(req["reps"]):
        t0 = time.perf_counter()
        for _ in range(req["steps"]):
            step()
        rates.append(req["batch"] * req["steps"] / (time.perf_counter() - t0))
    return {"examplesPerSec": statistics.median(rates), "all": rates}


def sgemm_rate(req):
    n = req["sgemm"]
    a, b = torch.randn(n, n), torch.randn(n, n)
    torch.mm(a, b)
    rates = []
    for _ in range(req["reps"]):
        t0 = time.perf_counter()
        torch.mm(a, b)
        rates.append(2 * n ** 3 / (time.perf_counter() - t0) / 1e9)
    return {"gflops": statistics.median(rates)}


def main():
    torch.set_num_threads(int(sys.argv[1]))
    print(json.dumps({"ready": True, "torch": torch.__version__, "threads": torch.get_num_threads()}), flush=True)
    for line in sys.stdin:
        req = json.loads(line)
        print(json.dumps(sgemm_rate(req) if "sgemm" in req else train_rate(req)), flush=True)


if __name__ == "__main__":
    main()
