# PyTorch's side of `genlab bench engine`: times the same training steps on request, one JSON line each.
#
# Started by bench/engine.ts as `/usr/bin/python3 bench/engine_ref.py THREADS`; reads one JSON request
# per line on stdin and answers one JSON line on stdout:
#   {"setup": NAME, "batch": B, "warmup": W, "precision": P}
#                                             builds the model and runs W untimed steps -> {"ready": true};
#                                             P "bf16": forward and loss under torch.cpu.amp.autocast(bfloat16)
#   {"time": STEPS}                           times STEPS steps of that model -> {"examplesPerSec": rate}
#   {"sgemm": N, "reps": R}                   -> {"gflops": median}
#   {"threads": T}                            torch.set_num_threads(T), and OpenBLAS's pool too -> {"threads": T}
# The caller alternates "time" requests with genlab's own repetitions, so both see the same machine.
import ctypes
import json
import os
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


class ConvModule(nn.Sequential):
    """conv -> BN (a shift and no scale, as genlab's InceptionSmall) -> ReLU."""

    def __init__(self, cin, cout, k, stride):
        bn = nn.BatchNorm2d(cout, eps=1e-3, momentum=0.01)
        bn.weight.requires_grad_(False)
        super().__init__(nn.Conv2d(cin, cout, k, stride, (k - 1) // 2, bias=False), bn, nn.ReLU(inplace=True))


class Branches(nn.Module):
    def __init__(self, *branches):
        super().__init__()
        self.branches = nn.ModuleList(branches)

    def forward(self, x):
        return torch.cat([b(x) for b in self.branches], 1)


def inception_small():
    # The paper's small Inception (genlab's src/models/inception.ts) with BatchNorm, on 3x28x28.
    stages = [("inc", 32, 32), ("inc", 32, 48), ("down", 80), ("inc", 112, 48), ("inc", 96, 64), ("inc", 80, 80),
              ("inc", 48, 96), ("down", 96), ("inc", 176, 160), ("inc", 176, 160)]
    layers, c = [ConvModule(3, 96, 3, 1)], 96
    for s in stages:
        if s[0] == "inc":
            layers.append(Branches(ConvModule(c, s[1], 1, 1), ConvModule(c, s[2], 3, 1)))
            c = s[1] + s[2]
        else:
            layers.append(Branches(ConvModule(c, s[1], 3, 2), nn.MaxPool2d(3, 2, 1)))
            c = s[1] + c
    return nn.Sequential(*layers, nn.AvgPool2d(7), nn.Flatten(), nn.Linear(c, 10))


def set_openblas_threads(n):
    """OpenBLAS's pool ignores torch.set_num_threads; set it through the library itself where loaded.
    Returns OpenBLAS's thread count afterwards, or -1 where libtorch does not use OpenBLAS."""
    with open("/proc/self/maps") as maps:
        libs = {line.split()[-1] for line in maps if "libopenblas" in line}
    count = -1
    for lib in libs:
        blas = ctypes.CDLL(lib)
        setter = getattr(blas, "openblas_set_num_threads", None)
        getter = getattr(blas, "openblas_get_num_threads", None)
        if setter and "OPENBLAS_NUM_THREADS" not in os.environ:  # an explicit setting wins, as in genlab
            setter(n)
        if getter:
            count = getter()
    return count


MODELS = {
    "mlp-784-512-10": (lambda: mlp([784, 512, 10]), (1, 28, 28)),
    "mlp-3x512": (lambda: mlp([3 * 28 * 28, 512, 512, 512, 10]), (3, 28, 28)),
    "alexnet-small": (alexnet_small, (3, 28, 28)),
    "cnn-bn": (cnn_bn, (3, 28, 28)),
    "inception-small": (inception_small, (3, 28, 28)),
}


class Session:
    """One model at one batch size, kept between "time" requests."""

    def __init__(self, req):
        build, shape = MODELS[req["setup"]]
        torch.manual_seed(0)
        self.batch = req["batch"]
        self.model = build()
        self.x, self.y = torch.randn(self.batch, *shape), torch.randint(0, 10, (self.batch,))
        self.opt = torch.optim.SGD(self.model.parameters(), lr=0.01, momentum=0.9)
        self.bf16 = req.get("precision", "fp32") == "bf16"
        for _ in range(req["warmup"]):
            self.step()

    def step(self):
        self.opt.zero_grad(set_to_none=True)
        with torch.cpu.amp.autocast(enabled=self.bf16, dtype=torch.bfloat16):
            loss = F.cross_entropy(self.model(self.x), self.y)
        loss.backward()
        self.opt.step()
        return loss

    def time(self, steps):
        t0 = time.perf_counter()
        for _ in range(steps):
            self.step()
        return {"examplesPerSec": self.batch * steps / (time.perf_counter() - t0)}


def sgemm_rate(req):
    n = req["sgemm"]
    a, b = torch.randn(n, n), torch.randn(n, n)
    for _ in range(req["reps"]):  # warm-up: the first products run at a third of the rate
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
    session = None
    for line in sys.stdin:
        req = json.loads(line)
        if "threads" in req:
            torch.set_num_threads(req["threads"])
            blas = set_openblas_threads(req["threads"])
            answer = {"threads": torch.get_num_threads(), "blasThreads": blas}
        elif "sgemm" in req:
            answer = sgemm_rate(req)
        elif "setup" in req:
            session = None  # free the previous model before building the next
            session = Session(req)
            answer = {"ready": True}
        else:
            answer = session.time(req["time"])
        print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    main()
