#!/usr/bin/env python3
"""Builds an SD1.5-architecture diffusers ONNX folder with random weights, for real-scale benchmarks.

The UNet (UNet2DConditionModel, 860M parameters) and VAE (AutoencoderKL) come from a diffusers checkout at
v0.21.4, the last release whose models run on torch 1.13; it is imported with small stand-ins for the hub and
safetensors modules it imports but these models never call. The text encoder is a CLIP-ViT-L-sized transformer
(12 layers, width 768) written here, since transformers is not installed. Nothing of it is committed: the folder
is 3.4 GB of random fp32 weights (or half that with --fp16).

    git --git-dir=<diffusers mirror> archive v0.21.4 src/diffusers | tar -x -C /work/scratch/perf/diffusers
    nice -n 10 python3 bench/sd15_export.py --diffusers /work/scratch/perf/diffusers/src --out /work/scratch/perf/sd15

--tiny exports the same architecture with narrow layers (for testing this script and the GPU script on a CPU).

Attention is exported as torch >= 2 exports scaled_dot_product_attention (what real SD exports made with optimum or
diffusers' converter on torch 2 contain): q and k each scaled by sqrt(scale), MatMul, Softmax, MatMul. Torch 1.13 has
no SDPA, and diffusers' fallback there traces to baddbmm(empty, q, kᵀ, beta=0), which exports as a ConstantOfShape of
zeros, a Mul by 0 and an Add on the [batch·heads, tokens, tokens] scores: 3 × 1.07 GB at 512² that no real export
carries. --attention baddbmm keeps that graph.
"""
import argparse
import importlib.machinery
import json
import os
import shutil
import sys
import tempfile
import types

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class _Stub(types.ModuleType):
    """A module whose every attribute exists: error names are exception types, upper-case names and *_home paths
    are strings, anything else is an identity decorator (none of it is called on the model code path)."""

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        if name.endswith(("Error", "Exception")):
            value = type(name, (Exception,), {})
        elif name.isupper() or name.endswith("home"):
            value = tempfile.gettempdir()
        else:
            value = lambda *args, **kwargs: args[0] if len(args) == 1 and callable(args[0]) and not kwargs else None
        setattr(self, name, value)
        return value


def stub_modules():
    """diffusers imports these at module level; the UNet and VAE code paths never use them."""
    for name in ["huggingface_hub", "huggingface_hub.constants", "huggingface_hub.utils", "huggingface_hub.file_download",
                 "huggingface_hub.utils._errors", "safetensors", "safetensors.torch", "tqdm", "tqdm.auto",
                 "requests", "filelock"]:
        module = _Stub(name)
        module.__path__ = []
        module.__spec__ = importlib.machinery.ModuleSpec(name, None, is_package=True)
        module.__version__ = "0.17.3"
        sys.modules[name] = module


SD15_UNET = dict(
    sample_size=64, in_channels=4, out_channels=4, layers_per_block=2,
    block_out_channels=(320, 640, 1280, 1280), cross_attention_dim=768, attention_head_dim=8,
    down_block_types=("CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"),
    up_block_types=("UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"),
)
SD15_VAE = dict(
    in_channels=3, out_channels=3, latent_channels=4, layers_per_block=2, sample_size=512,
    block_out_channels=(128, 256, 512, 512),
    down_block_types=("DownEncoderBlock2D",) * 4, up_block_types=("UpDecoderBlock2D",) * 4,
)
TINY_UNET = dict(SD15_UNET, block_out_channels=(32, 32, 64, 64), attention_head_dim=2, norm_num_groups=16, cross_attention_dim=64)
TINY_VAE = dict(SD15_VAE, block_out_channels=(16, 16, 32, 32), norm_num_groups=8)


def build_text_encoder(torch, width, layers, vocab=49408):
    nn = torch.nn

    class ClipSizedTextEncoder(nn.Module):
        def __init__(self):
            super().__init__()
            self.tokens = nn.Embedding(vocab, width)
            self.positions = nn.Parameter(torch.randn(77, width) * 0.01)
            layer = nn.TransformerEncoderLayer(width, max(1, width // 64), 4 * width, dropout=0.0,
                                               activation="gelu", batch_first=True, norm_first=True)
            self.encoder = nn.TransformerEncoder(layer, layers)
            self.final = nn.LayerNorm(width)
            self.register_buffer("causal", torch.triu(torch.full((77, 77), float("-inf")), diagonal=1))

        def forward(self, input_ids):
            x = self.tokens(input_ids) + self.positions
            return self.final(self.encoder(x, mask=self.causal))

    return ClipSizedTextEncoder().eval()


def use_sdpa_attention_graph(torch):
    """Scores as torch >= 2's ONNX export of scaled_dot_product_attention writes them (same values, other rounding)."""
    import math
    from diffusers.models.attention_processor import Attention

    def scores(self, query, key, attention_mask=None):
        root = math.sqrt(self.scale)
        logits = torch.matmul(query * root, key.transpose(-1, -2) * root)
        if attention_mask is not None:
            logits = logits + attention_mask
        return logits.softmax(dim=-1).to(query.dtype)

    Attention.get_attention_scores = scores


def export(torch, module, args, path, inputs, outputs, dynamic, fp16):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if fp16:
        module = module.half()
        args = tuple(a.half() if a.is_floating_point() else a for a in args)
    with torch.no_grad():
        torch.onnx.export(module, args, path, input_names=inputs, output_names=outputs,
                          dynamic_axes=dynamic, opset_version=14, do_constant_folding=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--diffusers", required=True, help="diffusers v0.21.4 src/ folder (holds diffusers/)")
    ap.add_argument("--out", required=True, help="model folder to create (not in the repository)")
    ap.add_argument("--tiny", action="store_true", help="same architecture, narrow layers (tests)")
    ap.add_argument("--fp16", action="store_true", help="export float16 weights and inputs (GPU)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--attention", choices=["sdpa", "baddbmm"], default="sdpa",
                    help="attention graph: as torch >= 2 exports SDPA (default), or torch 1.13's baddbmm fallback")
    a = ap.parse_args()

    stub_modules()
    sys.path.insert(0, a.diffusers)
    import torch
    from diffusers.models.unet_2d_condition import UNet2DConditionModel
    from diffusers.models.autoencoder_kl import AutoencoderKL

    if a.attention == "sdpa":
        use_sdpa_attention_graph(torch)
    torch.manual_seed(a.seed)
    unet_cfg, vae_cfg = (TINY_UNET, TINY_VAE) if a.tiny else (SD15_UNET, SD15_VAE)
    width = unet_cfg["cross_attention_dim"]
    unet = UNet2DConditionModel(**unet_cfg).eval()
    vae = AutoencoderKL(**vae_cfg).eval()
    text = build_text_encoder(torch, width, 2 if a.tiny else 12)
    print(f"parameters: unet {sum(p.numel() for p in unet.parameters()) / 1e6:.1f}M, "
          f"vae {sum(p.numel() for p in vae.parameters()) / 1e6:.1f}M, text {sum(p.numel() for p in text.parameters()) / 1e6:.1f}M", flush=True)

    class UnetOnnx(torch.nn.Module):
        def __init__(self, u):
            super().__init__()
            self.u = u

        def forward(self, sample, timestep, encoder_hidden_states):
            return self.u(sample, timestep, encoder_hidden_states, return_dict=False)[0]

    class Decoder(torch.nn.Module):
        def __init__(self, v):
            super().__init__()
            self.v = v

        def forward(self, latent_sample):
            return self.v.decode(latent_sample, return_dict=False)[0]

    class Encoder(torch.nn.Module):
        def __init__(self, v):
            super().__init__()
            self.v = v

        def forward(self, sample):
            return self.v.encode(sample, return_dict=False)[0].mean

    out = os.path.abspath(a.out)
    if os.path.exists(out):
        shutil.rmtree(out)
    dt = torch.float32
    export(torch, text, (torch.zeros(1, 77, dtype=torch.int64),), f"{out}/text_encoder/model.onnx",
           ["input_ids"], ["last_hidden_state"], {"input_ids": {0: "batch"}, "last_hidden_state": {0: "batch"}}, False)
    print("text_encoder exported", flush=True)
    export(torch, UnetOnnx(unet), (torch.randn(2, 4, 8, 8, dtype=dt), torch.tensor([999.0, 999.0]), torch.randn(2, 77, width, dtype=dt)),
           f"{out}/unet/model.onnx", ["sample", "timestep", "encoder_hidden_states"], ["out_sample"],
           {"sample": {0: "batch", 2: "height", 3: "width"}, "timestep": {0: "batch"},
            "encoder_hidden_states": {0: "batch", 1: "sequence"}, "out_sample": {0: "batch", 2: "height", 3: "width"}}, a.fp16)
    print("unet exported", flush=True)
    export(torch, Decoder(vae), (torch.randn(1, 4, 8, 8, dtype=dt),), f"{out}/vae_decoder/model.onnx", ["latent_sample"], ["sample"],
           {"latent_sample": {0: "batch", 2: "height", 3: "width"}, "sample": {0: "batch", 2: "height", 3: "width"}}, a.fp16)
    export(torch, Encoder(vae), (torch.randn(1, 3, 64, 64, dtype=dt),), f"{out}/vae_encoder/model.onnx", ["sample"], ["latent_sample"],
           {"sample": {0: "batch", 2: "height", 3: "width"}, "latent_sample": {0: "batch", 2: "height", 3: "width"}}, a.fp16)
    print("vae exported", flush=True)

    # The bundled model's tokenizer: its ids are far below the 49408-row embedding, which is all a benchmark needs.
    shutil.copytree(os.path.join(REPO, "models", "easel-shapes", "tokenizer"), f"{out}/tokenizer")
    os.makedirs(f"{out}/scheduler")
    with open(f"{out}/scheduler/scheduler_config.json", "w") as f:
        json.dump({"_class_name": "DDIMScheduler", "beta_start": 0.00085, "beta_end": 0.012, "beta_schedule": "scaled_linear",
                   "num_train_timesteps": 1000, "prediction_type": "epsilon", "set_alpha_to_one": False, "steps_offset": 1,
                   "clip_sample": False}, f, indent=1)
    with open(f"{out}/unet/config.json", "w") as f:
        json.dump({k: list(v) if isinstance(v, tuple) else v for k, v in unet_cfg.items()}, f, indent=1)
    with open(f"{out}/vae_decoder/config.json", "w") as f:
        json.dump({"latent_channels": 4, "scaling_factor": 0.18215, "block_out_channels": list(vae_cfg["block_out_channels"])}, f, indent=1)
    shutil.copy(f"{out}/vae_decoder/config.json", f"{out}/vae_encoder/config.json")
    with open(f"{out}/model_index.json", "w") as f:
        json.dump({"_class_name": "OnnxStableDiffusionPipeline", "_diffusers_version": "0.21.4",
                   "scheduler": ["diffusers", "DDIMScheduler"], "text_encoder": ["diffusers", "OnnxRuntimeModel"],
                   "tokenizer": ["transformers", "CLIPTokenizer"], "unet": ["diffusers", "OnnxRuntimeModel"],
                   "vae_decoder": ["diffusers", "OnnxRuntimeModel"], "vae_encoder": ["diffusers", "OnnxRuntimeModel"]}, f, indent=1)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
