# PyTorch's side of bench/cuda.ts: SGD steps of bench/engine_ref.py's models on one device, timed.
#
# Run as `python3 bench/cuda_ref.py DEVICE ROWS STEPS REPS WARMUP` (ROWS: comma-separated model@batch,
# e.g. alexnet-small@128); prints one JSON line first, then one per row as it is timed (a later row
# failing loses none of the earlier ones):
#   {"torch": version, "device": name}
#   {"model": name, "batch": B, "steps": STEPS, "examplesPerSec": best, "reps": [rate, ...]}
# Each row: the model built from torch.manual_seed(0), one fixed random batch on the device, SGD with
# momentum 0.9 (as bench/engine.ts's GenlabSession), WARMUP untimed steps, then REPS repetitions of
# STEPS steps, each ended by torch.cuda.synchronize(); the best repetition is reported.
import json
import os
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from engine_ref import MODELS  # noqa: E402  (the same models under the same names as bench/engine-models.ts)


def sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def time_row(device, name, batch, steps, reps, warmup):
    build, shape = MODELS[name]
    torch.manual_seed(0)
    model = build().to(device)
    x = torch.randn(batch, *shape).to(device)
    y = torch.randint(0, 10, (batch,)).to(device)
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)

    def step():
        opt.zero_grad(set_to_none=True)
        F.cross_entropy(model(x), y).backward()
        opt.step()

    for _ in range(warmup):
        step()
    sync(device)
    rates = []
    for _ in range(reps):
        t0 = time.perf_counter()
        for _ in range(steps):
            step()
        sync(device)
        rates.append(batch * steps / (time.perf_counter() - t0))
    return {"model": name, "batch": batch, "steps": steps, "examplesPerSec": max(rates), "reps": rates}


def main():
    device = torch.device(sys.argv[1])
    rows = [r.rsplit("@", 1) for r in sys.argv[2].split(",")]
    steps, reps, warmup = (int(a) for a in sys.argv[3:6])
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else "cpu"
    print(json.dumps({"torch": torch.__version__, "device": name}), flush=True)
    for model, batch in rows:
        print(json.dumps(time_row(device, model, int(batch), steps, reps, warmup)), flush=True)


if __name__ == "__main__":
    main()
