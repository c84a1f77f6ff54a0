#!/usr/bin/python3
"""PyTorch counterpart of bench/cnn-step.ts: the bench_cnn.py model and Adam step on synthetic data,
wall and CPU time per training step (CPU time is comparable on a shared machine).
Usage: python3 bench/cnn_step_torch.py [--batch 32] [--steps 40] [--threads 1]"""
import argparse, os, sys, time
import torch
import torch.nn.functional as F
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "bench"))
from bench_cnn import CNN  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("--batch", type=int, default=32)
ap.add_argument("--steps", type=int, default=40)
ap.add_argument("--threads", type=int, default=1)
a = ap.parse_args()
torch.set_num_threads(a.threads)
torch.manual_seed(1)
model = CNN()
opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
n = a.batch * a.steps
x = (torch.arange(n * 784) % 29).float().reshape(n, 1, 28, 28) / 29
y = torch.arange(n) % 10
def epoch():
    model.train()
    for i in range(0, n, a.batch):
        opt.zero_grad(set_to_none=True)
        F.cross_entropy(model(x[i:i + a.batch]), y[i:i + a.batch]).backward()
        opt.step()
epoch()  # warm-up
t0, c0 = time.perf_counter(), time.process_time()
epoch()
ms, cpu_ms = (time.perf_counter() - t0) * 1000 / a.steps, (time.process_time() - c0) * 1000 / a.steps
print(f"torch {a.threads}t batch {a.batch}: {ms:.2f} ms/step wall, {cpu_ms:.2f} ms/step CPU -> "
      f"{cpu_ms * 48000 / a.batch / 1000:.1f} CPU-s per 48k-sample epoch (training only)")
