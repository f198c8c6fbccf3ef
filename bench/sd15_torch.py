#!/usr/bin/env python3
"""PyTorch eager side of the SD1.5-architecture runs: the same random weights bench/sd15_export.py exported (same
seed, same construction order, so no weight file is needed), text encoder included, one image with guidance (UNet batch 2) for --steps steps
at --size, then the VAE decode. Prints per-step seconds; measure peak RSS with /usr/bin/time -v.

    nice -n 10 /usr/bin/time -v python3 bench/sd15_torch.py --diffusers /work/scratch/perf/diffusers/src --size 512 --steps 1
"""
import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sd15_export import SD15_UNET, SD15_VAE, build_text_encoder, stub_modules  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--diffusers", required=True)
    ap.add_argument("--size", type=int, default=512)
    ap.add_argument("--steps", type=int, default=1)
    ap.add_argument("--threads", type=int, default=0, help="torch threads (0: torch's default)")
    ap.add_argument("--seed", type=int, default=0, help="the seed sd15_export.py used")
    a = ap.parse_args()
    stub_modules()
    sys.path.insert(0, a.diffusers)
    import torch
    from diffusers.models.autoencoder_kl import AutoencoderKL
    from diffusers.models.unet_2d_condition import UNet2DConditionModel

    start = time.perf_counter()
    if a.threads:
        torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    unet = UNet2DConditionModel(**SD15_UNET).eval()
    vae = AutoencoderKL(**SD15_VAE).eval()
    text = build_text_encoder(torch, 768, 12)  # held like Easel holds its text encoder session
    side = a.size // 8
    gen = torch.Generator().manual_seed(1)
    latents = torch.randn(1, 4, side, side, generator=gen)
    times = []
    with torch.no_grad():
        context = text(torch.zeros(2, 77, dtype=torch.int64))
        for i in range(a.steps):
            t0 = time.perf_counter()
            eps_u, eps_c = unet(torch.cat([latents, latents]), torch.tensor([999.0 - i, 999.0 - i]), context, return_dict=False)[0].chunk(2)
            latents = latents - 0.01 * (eps_u + 7.5 * (eps_c - eps_u))
            times.append(time.perf_counter() - t0)
            if i == 0:
                print(f"process start -> first step done: {time.perf_counter() - start:.1f} s", flush=True)
        t0 = time.perf_counter()
        vae.decode(latents / 0.18215, return_dict=False)
        decode = time.perf_counter() - t0
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, {a.size}x{a.size}: steps "
          + ", ".join(f"{t:.2f}" for t in times) + f" s; VAE decode {decode:.2f} s")


if __name__ == "__main__":
    main()
