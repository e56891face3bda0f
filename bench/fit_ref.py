# The PyTorch side of `genlab bench fit`: idiomatic training (TensorDataset + DataLoader) of MLP 1x512
# on the same examples, random labels and initial weights that genlab wrote, until 100% train accuracy.
import json
import math
import sys
import time

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def load_safetensors(path):
    with open(path, 'rb') as f:
        n = int.from_bytes(f.read(8), 'little')
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, e in header.items():
        if name == '__metadata__':
            continue
        assert e['dtype'] == 'F32', name
        start, end = e['data_offsets']
        out[name] = torch.from_numpy(np.frombuffer(data[start:end], dtype=np.float32).copy()).reshape(e['shape'])
    return out


def main():
    req = json.loads(sys.argv[1])
    torch.set_num_threads(req['threads'])
    torch.manual_seed(req['seed'])
    n, shape = req['n'], req['shape']
    x = torch.from_numpy(np.fromfile(req['images'], dtype=np.float32).reshape([n] + shape))
    y = torch.from_numpy(np.fromfile(req['labels'], dtype=np.int64))
    model = nn.Sequential(nn.Flatten(), nn.Linear(x[0].numel(), 512), nn.ReLU(), nn.Linear(512, 10))
    model.load_state_dict(load_safetensors(req['weights']))
    opt = torch.optim.SGD(model.parameters(), lr=req['lr'], momentum=0.9)
    train = DataLoader(TensorDataset(x, y), batch_size=req['batchSize'], shuffle=True)
    evaluation = DataLoader(TensorDataset(x, y), batch_size=req['evalBatchSize'])
    t0 = time.perf_counter()
    c0 = time.process_time()
    seen, epochs, steps, acc = 0, 0, 0, 0.0
    while epochs < req['maxEpochs']:
        model.train()
        for xb, yb in train:
            for g in opt.param_groups:  # x0.95 per 50,000 examples seen, as genlab
                g['lr'] = req['lr'] * 0.95 ** math.floor(seen / 50000)
            opt.zero_grad()
            nn.functional.cross_entropy(model(xb), yb).backward()
            opt.step()
            seen += len(xb)
            steps += 1
        epochs += 1
        model.eval()
        correct = 0
        with torch.no_grad():
            for xb, yb in evaluation:
                correct += (model(xb).argmax(1) == yb).sum().item()
        acc = correct / n
        if acc >= 1.0:
            break
    print(json.dumps({'seconds': time.perf_counter() - t0, 'cpuSeconds': time.process_time() - c0, 'epochs': epochs, 'steps': steps, 'trainAcc': acc}))


main()
