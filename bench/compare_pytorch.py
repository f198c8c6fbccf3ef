#!/usr/bin/env python3
"""Easel against PyTorch eager on the same weights, alternating the two sides in one run; prints medians and ratios.

PyTorch gets the bundled model's own modules (models/training/networks.py) with the weights recovered from its ONNX
files (models/training/reference_sampler.py load_models); Easel runs its CLI's `bench` (one process per round; each
generate call timed as its caller sees it, saving the PNG included), plus the whole `generate` process. Same
workload on both sides: 64x64, 20 DDIM steps, guidance 7.5, one image, prompt encoded every generation.

Easel is measured twice per round: warm (after --warmup generations, default 30: .NET compiles a method fully once
it has been called 30 times, and the save path runs once per generation, so this is a serving process's steady
state) and the first generations of a fresh process (one warm-up), which still run partly unoptimised code.

    dotnet build src/McpServer -c Release
    nice -n 10 python3 bench/compare_pytorch.py --rounds 5

Python is a tool here, never a dependency of Easel.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "models", "training"))


def easel_cli(configuration):
    path = os.path.join(REPO, "src", "McpServer", "bin", configuration, "net10.0", "easel")
    if not os.path.exists(path):
        sys.exit(f"{path} not found: run `dotnet build src/McpServer -c {configuration}` first")
    return path


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=5, help="alternations; each side runs --per-round generations per round")
    ap.add_argument("--per-round", type=int, default=5)
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--torch-threads", type=int, nargs="+", default=[2, 1])
    ap.add_argument("--configuration", default="Release")
    ap.add_argument("--warmup", type=int, default=30, help="Easel generations before the warm measurement")
    ap.add_argument("--json", action="store_true", help="also print the raw samples as JSON")
    a = ap.parse_args()

    import torch
    from diffusion import sample
    from reference_sampler import easel_noise, load_models

    model = os.path.join(REPO, "models", "easel-shapes")
    tok, te, unet, dec, vae_cfg = load_models(model)
    prompt = "a red circle on a blue background"
    cli = easel_cli(a.configuration)

    @torch.no_grad()
    def torch_generation(seed):
        cond, _ = te(torch.tensor([tok(prompt)]))
        uncond, _ = te(torch.tensor([tok("")]))
        side = 64 // 2 ** (len(vae_cfg["block_out_channels"]) - 1)  # latent side at 64x64 (8x or 4x VAE)
        noise = torch.from_numpy(easel_noise(seed, 4 * side * side)).reshape(1, 4, side, side)
        lat = sample(unet, cond, uncond, noise, a.steps, 7.5)
        x = dec(lat / vae_cfg["scaling_factor"]).clamp(-1, 1)
        return ((x + 1) * 127.5).round().clamp(0, 255).to(torch.uint8)

    samples = {"easel": [], "easel_ort": [], "easel_overhead": [], "easel_process": [],
               "easel_fresh": [], "easel_fresh_overhead": []}
    samples.update({f"torch_{n}t": [] for n in a.torch_threads})
    for n in a.torch_threads:  # warm-up, outside the measurement
        torch.set_num_threads(n)
        torch_generation(0)
    def easel_bench(warmup):
        out = subprocess.run([cli, "bench", prompt, "--steps", str(a.steps), "--guidance", "7.5", "--scheduler", "ddim",
                              "--runs", str(a.per_round), "--warmup", str(warmup), "--provider", "cpu", "--json"],
                             check=True, capture_output=True, text=True).stdout
        return json.loads(out.strip().splitlines()[-1])

    for r in range(a.rounds):
        report = easel_bench(a.warmup)
        samples["easel"] += report["total_ms"]
        samples["easel_ort"] += report["onnx_runtime_ms"]
        samples["easel_overhead"] += report["overhead_ms"]
        fresh = easel_bench(1)
        samples["easel_fresh"] += fresh["total_ms"]
        samples["easel_fresh_overhead"] += fresh["overhead_ms"]
        for n in a.torch_threads:
            torch.set_num_threads(n)
            for i in range(a.per_round):
                t0 = time.perf_counter()
                torch_generation(r * a.per_round + i)
                samples[f"torch_{n}t"].append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        subprocess.run([cli, "generate", prompt, "--steps", str(a.steps), "--guidance", "7.5", "--scheduler", "ddim",
                        "--seed", str(r), "--provider", "cpu", "--out", os.path.join(os.path.expanduser("~"), ".cache", "easel-bench")],
                       check=True, capture_output=True)
        samples["easel_process"].append((time.perf_counter() - t0) * 1000)

    med = {k: statistics.median(v) for k, v in samples.items()}
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"bundled model, 64x64, {a.steps} DDIM steps, CFG 7.5; {a.rounds} rounds x {a.per_round} per side, "
          f"{os.cpu_count()} CPUs, load average {load:.1f} at the end")
    print(f"easel (in-process, end to end, warm): {med['easel']:8.1f} ms median  (inside ORT {med['easel_ort']:.1f} ms, "
          f"overhead {med['easel_overhead']:.1f} ms = {100 * med['easel_overhead'] / med['easel']:.1f} %)")
    print(f"easel (first {a.per_round} of a fresh process): {med['easel_fresh']:8.1f} ms median  (overhead "
          f"{med['easel_fresh_overhead']:.1f} ms = {100 * med['easel_fresh_overhead'] / med['easel_fresh']:.1f} %)")
    for n in a.torch_threads:
        m = med[f"torch_{n}t"]
        print(f"pytorch eager, {n} thread(s):   {m:8.1f} ms median  -> torch/easel {m / med['easel']:.2f}x")
    print(f"easel whole process (`generate`): {med['easel_process']:8.1f} ms median")
    if a.json:
        print(json.dumps(samples))


if __name__ == "__main__":
    main()
