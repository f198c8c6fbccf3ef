"""Export stage: ONNX graphs + configs in the diffusers OnnxStableDiffusionPipeline layout, reference cases, and the
final evaluation / summary written next to the model."""
import json
import os
import shutil
import struct
import time
import zlib

import numpy as np
import onnx
import torch

from diffusion import alphas_cumprod
from networks import count_params, growth_config
from scenes import to_model_pixels
from world import CATEGORIES, caption, eval_scene, render_scene, sample_scene

DIFFUSERS_VERSION = "0.21.4"
OPSET = 17


class TextEncoderGraph(torch.nn.Module):
    def __init__(self, te):
        super().__init__()
        self.te = te

    def forward(self, input_ids):
        return self.te(input_ids)


class VaeDecoderGraph(torch.nn.Module):
    def __init__(self, dec):
        super().__init__()
        self.dec = dec

    def forward(self, latent_sample):
        return self.dec(latent_sample).clamp(-1.0, 1.0)


def export_onnx(model, args, path, inputs, outputs, axes):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with torch.no_grad():
        torch.onnx.export(model, args, path, input_names=inputs, output_names=outputs, dynamic_axes=axes,
                          opset_version=OPSET, do_constant_folding=True)
    m = onnx.load(path)
    onnx.checker.check_model(m, full_check=True)
    assert not any(t.data_location == onnx.TensorProto.EXTERNAL for t in m.graph.initializer), "external data"
    dims = {i.name: [d.dim_param or d.dim_value for d in i.type.tensor_type.shape.dim] for i in list(m.graph.input) + list(m.graph.output)}
    return {"bytes": os.path.getsize(path), "io": dims, "nodes": len(m.graph.node)}


def write_json(path, obj, indent=2):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f, indent=indent)
        f.write("\n")


def exact_f32(a):
    """Round-trip through 9 significant digits (exact for float32) so JSON inputs equal what PyTorch ran on."""
    a = np.asarray(a, dtype=np.float32)
    return np.array([float(f"{v:.9g}") for v in a.ravel()], dtype=np.float32).reshape(a.shape)


def tensor_json(t):
    a = t.detach().numpy() if isinstance(t, torch.Tensor) else np.asarray(t)
    if a.dtype == np.int64:
        return {"shape": list(a.shape), "dtype": "int64", "data": [int(v) for v in a.ravel()]}
    return {"shape": list(a.shape), "dtype": "float32", "data": [float(f"{v:.9g}") for v in a.astype(np.float32).ravel()]}


def reference(path, inputs, outputs):
    write_json(path, {"inputs": {k: tensor_json(v) for k, v in inputs.items()},
                      "outputs": {k: tensor_json(v) for k, v in outputs.items()}}, indent=None)


def export_all(run):
    out, g, cfg = run.out, run.g, run.cfg
    enc, dec = run.load_vae()
    te, unet = run.load_diffusion()
    tok = run.tokenizer()
    scaling = run.state["latents"]["scaling_factor"]
    info = {"params": {"vae_encoder": count_params(enc), "vae_decoder": count_params(dec),
                       "text_encoder": count_params(te), "unet": count_params(unet)}}
    rng = run.seed(50)
    # Two world scenes at native size, as the C# engine would see them.
    scenes = [sample_scene(run.wd, rng, canvas=(64, 64)) for _ in range(2)]
    images = np.stack([render_scene(run.wd, sc)[0] for sc in scenes])
    caps = [caption(run.wd, sc, rng) for sc in scenes]
    ids = torch.tensor([tok(c) for c in caps], dtype=torch.long)
    pixels = torch.from_numpy(exact_f32(to_model_pixels(images)))

    graphs = {}
    graphs["text_encoder"] = export_onnx(
        TextEncoderGraph(te), (ids,), os.path.join(out, "text_encoder", "model.onnx"), ["input_ids"],
        ["last_hidden_state", "pooler_output"],
        {"input_ids": {0: "batch", 1: "sequence"}, "last_hidden_state": {0: "batch", 1: "sequence"}, "pooler_output": {0: "batch"}})
    graphs["vae_encoder"] = export_onnx(
        enc, (pixels,), os.path.join(out, "vae_encoder", "model.onnx"), ["sample"], ["latent_sample"],
        {"sample": {0: "batch", 2: "height", 3: "width"}, "latent_sample": {0: "batch", 2: "height", 3: "width"}})
    with torch.no_grad():
        latents = torch.from_numpy(exact_f32(enc(pixels)))
        hidden, pooled = te(ids)
        hidden = torch.from_numpy(exact_f32(hidden))
    graphs["vae_decoder"] = export_onnx(
        VaeDecoderGraph(dec), (latents,), os.path.join(out, "vae_decoder", "model.onnx"), ["latent_sample"], ["sample"],
        {"latent_sample": {0: "batch", 2: "height", 3: "width"}, "sample": {0: "batch", 2: "height", 3: "width"}})
    timestep = torch.tensor([701, 301], dtype=torch.long)
    ac = alphas_cumprod()[timestep][:, None, None, None]
    noise = torch.randn(latents.shape, generator=torch.Generator().manual_seed(51))
    noisy = torch.from_numpy(exact_f32(ac.sqrt() * latents * scaling + (1 - ac).sqrt() * noise))
    graphs["unet"] = export_onnx(
        unet, (noisy, timestep, hidden), os.path.join(out, "unet", "model.onnx"),
        ["sample", "timestep", "encoder_hidden_states"], ["out_sample"],
        {"sample": {0: "batch", 2: "height", 3: "width"}, "timestep": {0: "batch"},
         "encoder_hidden_states": {0: "batch", 1: "sequence"}, "out_sample": {0: "batch", 2: "height", 3: "width"}})
    info["graphs"] = graphs

    with torch.no_grad():
        ref = os.path.join(out, "reference")
        h, p = te(ids)
        reference(os.path.join(ref, "text_encoder.json"), {"input_ids": ids}, {"last_hidden_state": h, "pooler_output": p})
        reference(os.path.join(ref, "vae_encoder.json"), {"sample": pixels}, {"latent_sample": enc(pixels)})
        reference(os.path.join(ref, "vae_decoder.json"), {"latent_sample": latents}, {"sample": VaeDecoderGraph(dec)(latents)})
        reference(os.path.join(ref, "unet.json"), {"sample": noisy, "timestep": timestep, "encoder_hidden_states": hidden},
                  {"out_sample": unet(noisy, timestep, hidden)})
        # Shape probes: the UNet and VAE must accept other sizes (odd latent sides included).
        for side in (4, 5, 7, 16):
            z = torch.randn(1, 4, side, side)
            assert unet(z, timestep[:1], hidden[:1]).shape == z.shape
            assert dec(z).shape[-1] == run.vae_factor * side
    write_json(os.path.join(out, "reference", "tokens.json"), token_cases(run, tok))
    write_configs(run, te, unet, scaling)
    info["folder_bytes"] = folder_bytes(out)
    info["captions"] = caps
    assert info["folder_bytes"] <= 30 * 1000 * 1000, f"model folder too large: {info['folder_bytes']}"
    return info


def token_cases(run, tok):
    rng = run.seed(60)
    texts = [caption(run.wd, sample_scene(run.wd, rng), rng) for _ in range(14)]
    texts += [caption(run.wd, eval_scene(run.wd, c, i, rng), rng, eval_phrasing=True) for i, c in enumerate(CATEGORIES)]
    texts += ["", "A  RED   Circle!!", "a photo of a cat", "  leading and trailing spaces  ",
              "it's a tiny, tiny ring (2 of them): 3.14", "café crème", "hyphenated-word and under_score",
              "a red circle " * 12]
    return {"source": "models/training/clip_tokenizer.py over models/easel-shapes/tokenizer; BOS + ids + EOS, "
                      "truncated to 77, padded with <|endoftext|>",
            "max_length": tok.max_length, "cases": [{"text": t, "ids": tok(t)} for t in texts]}


def write_configs(run, te, unet, scaling):
    out, c, v = run.out, run.cfg["diffusion"], run.cfg["vae"]
    tok = run.tokenizer()
    onnx_model = ["diffusers", "OnnxRuntimeModel"]
    write_json(os.path.join(out, "model_index.json"), {
        "_class_name": "OnnxStableDiffusionPipeline", "_diffusers_version": DIFFUSERS_VERSION,
        "feature_extractor": [None, None], "requires_safety_checker": False, "safety_checker": [None, None],
        "scheduler": ["diffusers", "DDIMScheduler"], "text_encoder": onnx_model, "tokenizer": ["transformers", "CLIPTokenizer"],
        "unet": onnx_model, "vae_decoder": onnx_model, "vae_encoder": onnx_model,
        # Easel reads these as the model's defaults (diffusers ignores unknown keys): the settings evaluated here.
        "easel": {"steps": run.cfg["eval"]["steps"], "guidance": run.cfg["eval"]["guidance"], "scheduler": "ddim"}})
    write_json(os.path.join(out, "scheduler", "scheduler_config.json"), {
        "_class_name": "DDIMScheduler", "_diffusers_version": DIFFUSERS_VERSION, "beta_end": 0.012,
        "beta_schedule": "scaled_linear", "beta_start": 0.00085, "clip_sample": False, "clip_sample_range": 1.0,
        "dynamic_thresholding_ratio": 0.995, "num_train_timesteps": 1000, "prediction_type": "epsilon",
        "rescale_betas_zero_snr": False, "sample_max_value": 1.0, "set_alpha_to_one": False, "steps_offset": 1,
        "thresholding": False, "timestep_spacing": "leading", "trained_betas": None})
    vae = {"_class_name": "AutoencoderKL", "_diffusers_version": DIFFUSERS_VERSION, "act_fn": "silu",
           "block_out_channels": v["channels"], "down_block_types": ["DownEncoderBlock2D"] * len(v["channels"]),
           "up_block_types": ["UpDecoderBlock2D"] * len(v["channels"]), "in_channels": 3, "out_channels": 3,
           "latent_channels": 4, "layers_per_block": 1, "norm_num_groups": 8, "sample_size": 64,
           "scaling_factor": scaling}
    write_json(os.path.join(out, "vae_encoder", "config.json"), vae)
    write_json(os.path.join(out, "vae_decoder", "config.json"), vae)
    write_json(os.path.join(out, "unet", "config.json"), {
        "_class_name": "UNet2DConditionModel", "_diffusers_version": DIFFUSERS_VERSION, "act_fn": "silu",
        "attention_head_dim": c["heads"], "block_out_channels": run.unet_blocks(),
        "cross_attention_dim": c["text_dim"],
        "down_block_types": (["DownBlock2D"] if c.get("ct") else []) + ["CrossAttnDownBlock2D", "DownBlock2D"],
        "mid_block_type": "UNetMidBlock2DCrossAttn",
        "up_block_types": ["CrossAttnUpBlock2D"] + (["UpBlock2D"] if c.get("ct") else []),
        "in_channels": 4, "out_channels": 4, "layers_per_block": 1, "norm_num_groups": 8,
        "sample_size": 64 // run.vae_factor,
        "time_embedding_dim": c["emb_dim"], "addition_embed_type": "attention_pooled_text", **growth_config(**run.unet_growth())})
    write_json(os.path.join(out, "text_encoder", "config.json"), {
        "_name_or_path": "easel-shapes", "architectures": ["CLIPTextModel"], "model_type": "clip_text_model",
        "hidden_act": "gelu", "hidden_size": c["text_dim"], "intermediate_size": 4 * c["text_dim"],
        "num_attention_heads": c["text_heads"], "num_hidden_layers": c["text_layers"], "max_position_embeddings": 77,
        "vocab_size": len(tok.encoder), "bos_token_id": tok.bos, "eos_token_id": tok.eos, "pad_token_id": tok.pad,
        "layer_norm_eps": 1e-5, "projection_dim": c["text_dim"], "torch_dtype": "float32"})


def folder_bytes(path):
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(path) for f in fs)


def write_png(path, rgb):
    """Minimal PNG writer (no PIL here): 8-bit RGB, no filtering."""
    h, w, _ = rgb.shape
    raw = b"".join(b"\x00" + rgb[y].tobytes() for y in range(h))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def write_eval(run):
    """Python-judge evaluation of every category (the official numbers are the C# judge's), samples, summary."""
    e = run.cfg["eval"]
    _, dec = run.load_vae()
    te, unet = run.load_diffusion()
    t0 = time.time()
    scores = run.evaluate(te, unet, dec, e["prompts"], seed=11)
    eval_wall = time.time() - t0
    timing = time_pipeline(run, te, unet, dec, e["steps"])
    run.log(stage="eval", prompts_per_category=e["prompts"], steps=e["steps"], guidance=e["guidance"], scores=scores,
            wall_s=round(eval_wall, 1), **timing)
    write_samples(run, te, unet, dec)
    shutil.copyfile(run.log_path, os.path.join(run.out, "training_log.jsonl"))
    write_json(os.path.join(run.out, "training_summary.json"), summarize(run, scores, timing, e["prompts"]))
    return {"scores": scores}


@torch.no_grad()
def write_samples(run, te, unet, dec, per_category=3):
    """samples.png: one row per category, held-out prompts, seed 11 (Python pipeline)."""
    from diffusion import sample
    tok, rng = run.tokenizer(), run.seed(91)
    scenes = [eval_scene(run.wd, c, i, rng) for c in CATEGORIES for i in range(per_category)]
    prompts = [caption(run.wd, sc, rng, eval_phrasing=True) for sc in scenes]
    cond, _ = te(torch.tensor([tok(p) for p in prompts]))
    uncond, _ = te(torch.tensor([tok("")] * len(prompts)))
    side = 64 // run.vae_factor
    noise = torch.randn((len(prompts), 4, side, side), generator=torch.Generator().manual_seed(11))
    lat = sample(unet, cond, uncond, noise, run.cfg["eval"]["steps"], run.cfg["eval"]["guidance"])
    x = dec(lat / run.state["latents"]["scaling_factor"]).clamp(-1, 1)
    imgs = ((x.permute(0, 2, 3, 1).numpy() + 1) * 127.5).round().clip(0, 255).astype(np.uint8)
    rows = len(CATEGORIES)
    grid = imgs.reshape(rows, per_category, 64, 64, 3).transpose(0, 2, 1, 3, 4).reshape(rows * 64, per_category * 64, 3)
    write_png(os.path.join(run.out, "samples.png"), grid)
    with open(os.path.join(run.out, "samples.txt"), "w") as f:
        f.write("samples.png, one row per category, held-out prompts, DDIM 20 steps, CFG 7.5, seed 11 (Python pipeline):\n")
        for i, p in enumerate(prompts):
            f.write(f"{i + 1:2d}. [{CATEGORIES[i // per_category]}] {p}\n")


@torch.no_grad()
def time_pipeline(run, te, unet, dec, steps):
    from diffusion import sample
    tok = run.tokenizer()
    ids = torch.tensor([tok("a red circle on a blue background"), tok("")])
    side = 64 // run.vae_factor
    z = torch.randn(2, 4, side, side)
    t = torch.tensor([500, 500])
    ctx, _ = te(ids)
    for _ in range(3):
        unet(z, t, ctx)
    t0 = time.time()
    for _ in range(20):
        unet(z, t, ctx)
    unet_ms = (time.time() - t0) / 20 * 1000
    t0 = time.time()
    ctx, _ = te(ids)
    lat = sample(unet, ctx[:1], ctx[1:], torch.randn(1, 4, side, side), steps, 7.5)
    dec(lat)
    return {"torch_unet_batch2_ms": round(unet_ms, 2), "torch_pipeline_20_steps_s": round(time.time() - t0, 3)}


def summarize(run, scores, timing, n_prompts):
    entries = [json.loads(l) for l in open(run.log_path)]
    stages = {}
    for s in ("vae", "diffusion"):
        losses = [x for x in entries if x.get("stage") == s and "loss" in x]
        done = [x for x in entries if x.get("stage") == s and x.get("event") == "done"]
        stages[s] = {"steps": done[-1]["steps"] if done else None, "stopped_by": done[-1]["stopped_by"] if done else None,
                     "train_s": done[-1]["elapsed_s"] if done else None,
                     "final_loss": losses[-1]["loss"] if losses else None, "final_parts": losses[-1]["parts"] if losses else None}
    walls = {x["stage"]: x["wall_s"] for x in entries if x.get("event") == "stage_wall"}
    evals = [{"step": x["step"], **{k: x[k] for k in CATEGORIES if k in x}}
             for x in entries if x.get("stage") == "diffusion" and x.get("event") == "eval"]
    return {"stages": stages, "stage_wall_s": walls, "vae_round_trip": run.state.get("vae", {}).get("round_trip"),
            "scaling_factor": run.state["latents"]["scaling_factor"], "periodic_eval": evals,
            "final_eval": {"prompts_per_category": n_prompts, "sampler": "DDIM 20 steps, CFG 7.5", "scores": scores},
            "timing": timing}
