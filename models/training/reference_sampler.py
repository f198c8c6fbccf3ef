#!/usr/bin/env python3
"""Reference-sampler parity case: the PyTorch pipeline (weights recovered from the exported ONNX files, DDIM + CFG of
diffusion.py, Easel's documented seed -> noise generator) draws one image that the engine must reproduce.

    python3 models/training/reference_sampler.py [MODEL_DIR]   -> MODEL_DIR/reference/sampler.json
"""
import json
import math
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from clip_tokenizer import ClipTokenizer  # noqa: E402
from diffusion import sample  # noqa: E402
from export import TextEncoderGraph, VaeDecoderGraph, write_json  # noqa: E402
from networks import TextEncoder, UNet, VaeDecoder, growth_from_config  # noqa: E402
from warmstart import GRAPHS, load_from_onnx  # noqa: E402

MASK = (1 << 64) - 1


def easel_noise(seed, count):
    """src/Engine/Tensors/GaussianNoise.cs: SplitMix64 -> xoshiro256**, Box-Muller pairs (cos first, then sin)."""
    x = seed & MASK

    def splitmix():
        nonlocal x
        x = (x + 0x9E3779B97F4A7C15) & MASK
        z = x
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    s = [splitmix() for _ in range(4)]

    def rotl(v, k):
        return ((v << k) | (v >> (64 - k))) & MASK

    def next_u64():
        result = (rotl((s[1] * 5) & MASK, 7) * 9) & MASK
        t = (s[1] << 17) & MASK
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = rotl(s[3], 45)
        return result

    out = []
    while len(out) < count:
        u1 = 1.0 - (next_u64() >> 11) * (1.0 / (1 << 53))
        u2 = (next_u64() >> 11) * (1.0 / (1 << 53))
        r = math.sqrt(-2.0 * math.log(u1))
        out += [r * math.cos(2 * math.pi * u2), r * math.sin(2 * math.pi * u2)]
    return np.array(out[:count], dtype=np.float32)


def load_models(model):
    """The tokenizer and PyTorch text encoder, UNet and VAE decoder of an exported folder, weights recovered from
    its ONNX files (also used by bench/compare_pytorch.py)."""
    tok = ClipTokenizer(os.path.join(model, "tokenizer"))
    te_cfg = json.load(open(os.path.join(model, "text_encoder", "config.json")))
    unet_cfg = json.load(open(os.path.join(model, "unet", "config.json")))
    vae_cfg = json.load(open(os.path.join(model, "vae_decoder", "config.json")))
    te = TextEncoder(len(tok.encoder), tok.eos, dim=te_cfg["hidden_size"], layers=te_cfg["num_hidden_layers"],
                     heads=te_cfg["num_attention_heads"])
    *top, c0, c1 = unet_cfg["block_out_channels"]  # [c0, c1] (v1, v2) or [ct, c0, c1] (4x VAE)
    unet = UNet(te_cfg["hidden_size"], c0=c0, c1=c1, emb_dim=unet_cfg["time_embedding_dim"], heads=unet_cfg["attention_head_dim"],
                ct=top[0] if top else None, **growth_from_config(unet_cfg))
    dec = VaeDecoder(vae_cfg["block_out_channels"])
    side = unet_cfg["sample_size"]  # latent side at 64x64
    ids = torch.tensor([tok("a red circle")] * 2)
    missing = load_from_onnx(TextEncoderGraph(te), os.path.join(model, "text_encoder", "model.onnx"), (ids,), *GRAPHS["text_encoder"])[1]
    missing += load_from_onnx(unet, os.path.join(model, "unet", "model.onnx"),
                              (torch.randn(2, 4, side, side), torch.tensor([1, 2]), torch.randn(2, 77, te_cfg["hidden_size"])), *GRAPHS["unet"])[1]
    missing += load_from_onnx(VaeDecoderGraph(dec), os.path.join(model, "vae_decoder", "model.onnx"), (torch.randn(1, 4, side, side),),
                              *GRAPHS["vae_decoder"])[1]
    assert not missing, missing
    return tok, te.eval(), unet.eval(), dec.eval(), vae_cfg


@torch.no_grad()
def main():
    model = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "easel-shapes"))
    torch.set_num_threads(2)
    tok, te, unet, dec, vae_cfg = load_models(model)
    index = json.load(open(os.path.join(model, "model_index.json")))
    prompt, seed = "a red circle on a blue background", 42
    steps, guidance = index["easel"]["steps"], index["easel"]["guidance"]
    cond, _ = te(torch.tensor([tok(prompt)]))
    uncond, _ = te(torch.tensor([tok("")]))
    side = 64 // 2 ** (len(vae_cfg["block_out_channels"]) - 1)
    noise = torch.from_numpy(easel_noise(seed, 4 * side * side)).reshape(1, 4, side, side)
    lat = sample(unet, cond, uncond, noise, steps, guidance)
    x = dec(lat / vae_cfg["scaling_factor"]).clamp(-1, 1)[0].permute(1, 2, 0).numpy()
    pixels = np.clip(np.round((x + 1) * 127.5), 0, 255).astype(np.uint8)
    write_json(os.path.join(model, "reference", "sampler.json"), {
        "source": "models/training/reference_sampler.py: PyTorch DDIM + CFG (diffusion.py) over weights recovered from "
                  "these ONNX files, initial latents from Easel's seed generator (GaussianNoise.cs)",
        "prompt": prompt, "negative_prompt": "", "seed": seed, "steps": steps, "guidance": guidance,
        "width": 64, "height": 64, "pixels_rgb": pixels.reshape(-1).tolist()}, indent=None)
    print("wrote", os.path.join(model, "reference", "sampler.json"))


if __name__ == "__main__":
    main()
