#!/usr/bin/env python3
"""Train Easel's bundled miniature Stable Diffusion from scratch and export it in the diffusers ONNX layout.

    python3 models/training/train.py --out /work/ckpt/easel-shapes-v2/model [--smoke] [--work DIR] [--restart]

Stages (each resumable from --work, default /work/ckpt/easel-shapes-v2/work): bank -> vae -> latents -> diffusion
-> export -> eval. The v2 world (scene_grammar.json "world": 1-4 objects, sampled unsaid attributes, several canvas
sizes) is trained warm-started from the bundled v1 model's exported weights (models/easel-shapes).
A stage stops at its step count or its wall-clock budget, whichever comes first, and logs the steps reached.
"""
import argparse
import json
import math
import os
import shutil
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from clip_tokenizer import ClipTokenizer  # noqa: E402
from config import merged  # noqa: E402
from diffusion import alphas_cumprod, sample  # noqa: E402
from judge import score  # noqa: E402
from networks import TextEncoder, UNet, VaeDecoder, VaeEncoder, count_params, growth_from_config  # noqa: E402
from scenes import Grammar, to_model_pixels  # noqa: E402
from world import LABELS, World, caption as world_caption, render_scene, said_labels, sample_scene  # noqa: E402

REPO = os.path.dirname(os.path.dirname(HERE))
CLIP_REFERENCE = "/work/shared/reference/clip"
DEFAULT_ROOT = "/work/ckpt/easel-shapes-v2"
# Warm start, first that exists: the interim v2 export committed by the last session that trained (so training adds
# up across sessions and machines), a saved v1, the bundled model.
WARM_START = next((p for p in (os.path.join(HERE, "warm-start", "easel-shapes-v2"), os.path.join(REPO, "models", "easel-shapes-v1"))
                   if os.path.isdir(p)), os.path.join(REPO, "models", "easel-shapes"))


def bucket_key(w, h):
    return f"{w}x{h}"


class Run:
    def __init__(self, args):
        self.cfg = merged(args.smoke)
        self.out = os.path.abspath(args.out)
        self.work = os.path.abspath(args.work or default_work(args.smoke))
        os.makedirs(self.work, exist_ok=True)
        os.makedirs(self.out, exist_ok=True)
        self.log_path = os.path.join(self.work, "training_log.jsonl")
        self.state_path = os.path.join(self.work, "state.json")
        self.state = json.load(open(self.state_path)) if os.path.exists(self.state_path) else {"done": []}
        self.g = Grammar()
        self.wd = World()
        self.warm = args.warm_start
        torch.set_num_threads(self.cfg["threads"])

    # ---------------------------------------------------------------- bookkeeping
    def log(self, **entry):
        entry["time"] = time.strftime("%Y-%m-%dT%H:%M:%S")
        with open(self.log_path, "a") as f:
            f.write(json.dumps(entry) + "\n")
        print(json.dumps(entry), flush=True)

    def finish(self, stage, **info):
        self.state["done"].append(stage)
        self.state[stage] = info
        json.dump(self.state, open(self.state_path, "w"), indent=1)

    def path(self, name):
        return os.path.join(self.work, name)

    @property
    def vae_factor(self):
        """Pixels per latent cell: 2 ** (VAE levels - 1), as diffusers reads block_out_channels."""
        return 2 ** (len(self.cfg["vae"]["channels"]) - 1)

    def warm_config(self, component):
        path = os.path.join(self.warm, component, "config.json") if self.warm else ""
        return json.load(open(path)) if os.path.exists(path) else {}

    def seed(self, *keys):
        """Deterministic RNG for (stage, step, ...) so a resumed run draws the same batches."""
        return np.random.default_rng([self.cfg["seed"], *keys])

    # ---------------------------------------------------------------- stage 0: scene bank
    def stage_bank(self):
        """Render the scene bank once, grouped by canvas size; k captions per scene (each may drop an optional
        said attribute, so the same image is seen with more and less specific captions)."""
        c = self.cfg["bank"]
        t0 = time.time()
        rng = self.seed(0)
        tok = self.tokenizer()
        k = c["captions_per_scene"]
        groups = {}
        for i in range(c["scenes"]):
            scene = sample_scene(self.wd, rng)
            img, mask = render_scene(self.wd, scene)
            ids = [tok(world_caption(self.wd, scene, rng, drop=0.0 if j == 0 else c["caption_drop"])) for j in range(k)]
            g = groups.setdefault(bucket_key(scene["W"], scene["H"]), {"images": [], "masks": [], "ids": [], "n_obj": [], "labels": []})
            g["images"].append(img), g["masks"].append(mask), g["ids"].append(ids), g["n_obj"].append(len(scene["objects"]))
            g["labels"].append(said_labels(self.wd, scene))
        arrays = {}
        for key, g in groups.items():
            arrays[f"images_{key}"] = np.stack(g["images"])
            arrays[f"masks_{key}"] = np.stack(g["masks"])
            arrays[f"ids_{key}"] = np.array(g["ids"], dtype=np.int16)
            arrays[f"nobj_{key}"] = np.array(g["n_obj"], dtype=np.int8)
            arrays[f"labels_{key}"] = np.array(g["labels"], dtype=np.int8)
        np.savez(self.path("bank.npz"), **arrays)
        self.log(stage="bank", scenes=c["scenes"], buckets={key: len(g["ids"]) for key, g in groups.items()},
                 objects={str(n): int(sum(x == n for g in groups.values() for x in g["n_obj"])) for n in range(1, 5)},
                 wall_s=round(time.time() - t0, 1))
        self.finish("bank")

    def buckets(self):
        """Canvas keys of the bank and their share of scenes (the sampling weight of each bucket)."""
        bank = self.bank()
        keys = sorted(k[len("ids_"):] for k in bank if k.startswith("ids_"))
        counts = np.array([len(bank["ids_" + k]) for k in keys], dtype=np.float64)
        return keys, counts / counts.sum()

    def batch_for(self, key, base):
        """Batch size for a canvas: about the same number of latent pixels per step as base x 64x64."""
        w, h = (int(v) for v in key.split("x"))
        return int(max(base // 4, min(base, round(base * 64 * 64 / (w * h)))))

    def tokenizer(self):
        return ClipTokenizer(os.path.join(self.out, "tokenizer"))

    def bank(self):
        if not hasattr(self, "_bank"):
            self._bank = dict(np.load(self.path("bank.npz")))
        return self._bank

    # ---------------------------------------------------------------- shared training loop
    def train_loop(self, name, cfg, modules, params, step_fn, ema_modules=None, on_eval=None):
        """Adam + warmup + cosine on progress = max(step fraction, time fraction); grad clip; checkpoints."""
        opt = torch.optim.AdamW(params, lr=cfg["lr"], weight_decay=cfg.get("weight_decay", 0.0))
        ema = [self.ema_copy(m) for m in ema_modules] if ema_modules else []
        ckpt = self.path(f"{name}.pt")
        step, elapsed, last_eval, rewarm_from = 0, 0.0, 0.0, None
        if os.path.exists(ckpt):
            s = torch.load(ckpt)
            for m, sd in zip(modules, s["modules"]):
                m.load_state_dict(sd)
            for m, sd in zip(ema, s["ema"]):
                m.load_state_dict(sd)
            if s["opt"] is not None:
                opt.load_state_dict(s["opt"])
            step, elapsed, last_eval = s["step"], s["elapsed"], s.get("last_eval", 0.0)
            rewarm_from = s.get("rewarm_from")
            self.log(stage=name, event="resumed", step=step, elapsed_s=round(elapsed, 1))

        def save():
            torch.save({"modules": [m.state_dict() for m in modules], "ema": [m.state_dict() for m in ema],
                        "opt": opt.state_dict(), "step": step, "elapsed": elapsed, "last_eval": last_eval,
                        "rewarm_from": rewarm_from}, ckpt + ".tmp")
            os.replace(ckpt + ".tmp", ckpt)

        start = time.time() - elapsed
        last_save, losses = time.time(), []
        for m in modules:
            m.train()
        while step < cfg["steps"] and elapsed < cfg["budget_s"]:
            progress = max(step / cfg["steps"], elapsed / cfg["budget_s"])
            warm = min(1.0, (step + 1) / cfg["warmup"])
            if rewarm_from is not None:  # fresh optimizer moments after a warm start: ramp up again briefly
                warm = min(warm, (step - rewarm_from + 1) / 100)
            lr = cfg["lr"] * warm * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * progress)))
            for group in opt.param_groups:
                group["lr"] = lr
            loss, parts = step_fn(step)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            gnorm = torch.nn.utils.clip_grad_norm_(params, cfg["clip"])
            opt.step()
            if ema:
                decay = min(cfg["ema"], (1 + step) / (10 + step))
                with torch.no_grad():
                    for e, m in zip(ema, ema_modules):
                        for pe, pm in zip(e.parameters(), m.parameters()):
                            pe.mul_(decay).add_(pm.detach(), alpha=1 - decay)
            losses.append([loss.item()] + parts)
            step += 1
            elapsed = time.time() - start
            if step % 50 == 0 or step == 1:
                mean = np.nanmean(np.array(losses, dtype=np.float64), axis=0)  # a batch without a said cell has no accuracy
                self.log(stage=name, step=step, loss=round(float(mean[0]), 5), parts=[round(float(x), 5) for x in mean[1:]],
                         lr=round(lr, 7), grad_norm=round(float(gnorm), 3), elapsed_s=round(elapsed, 1),
                         s_per_step=round(elapsed / step, 3))
                losses = []
            if on_eval and elapsed - last_eval >= cfg.get("eval_every_s", 1e18):
                last_eval = elapsed
                on_eval(step, ema)
                for m in modules:
                    m.train()
                start = time.time() - elapsed  # evaluation time is not training time
            if time.time() - last_save >= self.cfg["save_every_s"]:
                save()
                last_save = time.time()
        save()
        stopped_by = "steps" if step >= cfg["steps"] else "budget"
        self.log(stage=name, event="done", steps=step, stopped_by=stopped_by, elapsed_s=round(elapsed, 1))
        return ema, step, elapsed, stopped_by

    @staticmethod
    def ema_copy(m):
        import copy
        e = copy.deepcopy(m)
        for p in e.parameters():
            p.requires_grad_(False)
        return e

    # ---------------------------------------------------------------- stage 1: VAE
    def vae_modules(self):
        ch = self.cfg["vae"]["channels"]
        return VaeEncoder(ch), VaeDecoder(ch)

    def stage_vae(self):
        c = self.cfg["vae"]
        torch.manual_seed(self.cfg["seed"])
        enc, dec = self.vae_modules()
        same_shape = self.warm and self.warm_config("vae_decoder").get("block_out_channels") == list(c["channels"])
        if same_shape:
            c = dict(c, budget_s=c.get("warm_budget_s", c["budget_s"]))
        if self.warm and not os.path.exists(self.path("vae.pt")):
            if same_shape:
                self.warm_start_vae(enc, dec)
            else:  # another latent grid (v2's 8x VAE -> this 4x one): nothing to carry over
                self.log(stage="vae", event="from_scratch", warm_start=self.warm,
                         warm_channels=self.warm_config("vae_decoder").get("block_out_channels"))
        keys, weights = self.buckets()

        def step_fn(step):
            rng = self.seed(1, step)
            key, idx, x, m = self.vae_batch(rng, keys, weights, c["batch"])
            z = enc(x)
            mean_pen = (z.mean(dim=(0, 2, 3)) ** 2).mean()
            loss, parts = self.vae_loss(dec, z, x, m, c)
            return loss + c["mean_penalty"] * mean_pen, parts

        _, steps, elapsed, stopped = self.train_loop("vae", c, [enc, dec], list(enc.parameters()) + list(dec.parameters()), step_fn)
        enc.eval(), dec.eval()
        rt = self.vae_round_trip(enc, dec)
        self.log(stage="vae", event="round_trip", **rt)
        self.finish("vae", steps=steps, elapsed_s=round(elapsed, 1), stopped_by=stopped, round_trip=rt)

    def vae_batch(self, rng, keys, weights, base):
        """A batch of one canvas: bucket key, bank indices, pixels in [-1, 1], dilated object mask."""
        bank = self.bank()
        key = keys[int(rng.choice(len(keys), p=weights))]
        idx = rng.integers(len(bank["ids_" + key]), size=self.batch_for(key, base))
        x = torch.from_numpy(to_model_pixels(bank["images_" + key][idx]))
        m = F.max_pool2d(torch.from_numpy(bank["masks_" + key][idx]).float()[:, None], 3, stride=1, padding=1)
        return key, idx, x, m

    @staticmethod
    def vae_loss(dec, z, x, m, c):
        """Reconstruction of x from latents z (plus c["latent_noise"] relative noise, so the decoder tolerates the
        imperfect latents diffusion samples): L1 + L2 weighted up on object pixels, and L1 on image gradients."""
        zn = z + c["latent_noise"] * z.detach().std() * torch.randn_like(z)
        y = dec(zn)
        w = 1 + c["object_weight"] * m
        err = y - x
        rec = (w * (err.abs() + err ** 2)).mean() / w.mean()
        edge = ((y[..., 1:, :] - y[..., :-1, :]) - (x[..., 1:, :] - x[..., :-1, :])).abs().mean() + \
               ((y[..., 1:] - y[..., :-1]) - (x[..., 1:] - x[..., :-1])).abs().mean()
        return rec + c["edge_weight"] * edge, [rec.item(), edge.item(), (err ** 2).mean().item()]

    # ---------------------------------------------------------------- stage 4: decoder refinement
    def stage_decoder(self):
        """More decoder training on the frozen encoder's cached latents: the latent space the UNet learnt stays the
        same, so this sharpens every image the model makes without touching diffusion (and costs about half a VAE
        step, the encoder being skipped)."""
        c = dict(self.cfg["vae"], **self.cfg["decoder"])
        torch.manual_seed(self.cfg["seed"] + 2)
        _, dec = self.load_vae()
        keys, weights = self.buckets()
        lat_all = {k: torch.from_numpy(v) for k, v in np.load(self.path("latents.npz")).items()}

        def step_fn(step):
            rng = self.seed(4, step)
            key, idx, x, m = self.vae_batch(rng, keys, weights, c["batch"])
            return self.vae_loss(dec, lat_all[key][idx], x, m, c)

        _, steps, elapsed, stopped = self.train_loop("decoder", c, [dec], list(dec.parameters()), step_fn)
        dec.eval()
        enc, _ = self.load_vae()
        rt = self.vae_round_trip(enc, dec)
        self.log(stage="decoder", event="round_trip", **rt)
        self.finish("decoder", steps=steps, elapsed_s=round(elapsed, 1), stopped_by=stopped, round_trip=rt)

    def warm_start_vae(self, enc, dec):
        from export import VaeDecoderGraph
        from warmstart import GRAPHS, load_from_onnx
        _, miss_e = load_from_onnx(enc, os.path.join(self.warm, "vae_encoder", "model.onnx"), (torch.randn(1, 3, 64, 64),),
                                   *GRAPHS["vae_encoder"])
        _, miss_d = load_from_onnx(VaeDecoderGraph(dec), os.path.join(self.warm, "vae_decoder", "model.onnx"),
                                   (torch.randn(1, 4, 64 // self.vae_factor, 64 // self.vae_factor),), *GRAPHS["vae_decoder"])
        self.log(stage="vae", event="warm_start", source=self.warm, missing=miss_e + miss_d)

    def load_vae(self):
        """Encoder of the VAE stage; decoder of the refinement stage once it is done, else of the VAE stage."""
        enc, dec = self.vae_modules()
        s = torch.load(self.path("vae.pt"))
        enc.load_state_dict(s["modules"][0])
        dec.load_state_dict(s["modules"][1])
        if "decoder" in self.state["done"]:
            dec.load_state_dict(torch.load(self.path("decoder.pt"))["modules"][0])
        return enc.eval(), dec.eval()

    @torch.no_grad()
    def vae_round_trip(self, enc, dec):
        """MSE of encode/decode on fresh world scenes of every canvas (the judge check is the C# one)."""
        rng = self.seed(2)
        out = {}
        for w, h in self.wd.canvases[:4]:
            imgs = np.stack([render_scene(self.wd, sample_scene(self.wd, rng, canvas=(w, h)))[0] for _ in range(8)])
            x = torch.from_numpy(to_model_pixels(imgs))
            out[bucket_key(w, h)] = round(float(((dec(enc(x)).clamp(-1, 1) - x) ** 2).mean()), 5)
        return {"mse": out}

    # ---------------------------------------------------------------- stage 2: latent cache
    @torch.no_grad()
    def stage_latents(self):
        t0 = time.time()
        enc, _ = self.load_vae()
        bank = self.bank()
        keys, _ = self.buckets()
        b = self.cfg["latents"]["batch"]
        lat = {}
        for key in keys:
            imgs = bank["images_" + key]
            step = max(8, b * 64 * 64 // (imgs.shape[1] * imgs.shape[2]))
            lat[key] = np.concatenate([enc(torch.from_numpy(to_model_pixels(imgs[i:i + step]))).numpy()
                                       for i in range(0, len(imgs), step)])
        flat = np.concatenate([v.transpose(1, 0, 2, 3).reshape(4, -1) for v in lat.values()], axis=1)
        scaling = float(1.0 / flat.std())
        np.savez(self.path("latents.npz"), **lat)
        self.log(stage="latents", count=sum(len(v) for v in lat.values()), mean=round(float(flat.mean()), 4),
                 std=round(float(flat.std()), 4), channel_means=[round(float(v), 4) for v in flat.mean(axis=1)],
                 scaling_factor=scaling, wall_s=round(time.time() - t0, 1))
        self.finish("latents", scaling_factor=scaling)

    # ---------------------------------------------------------------- stage 3: text encoder + UNet
    def diffusion_modules(self):
        c = self.cfg["diffusion"]
        tok = self.tokenizer()
        te = TextEncoder(len(tok.encoder), tok.eos, dim=c["text_dim"], layers=c["text_layers"], heads=c["text_heads"])
        unet = UNet(c["text_dim"], c0=c["c0"], c1=c["c1"], emb_dim=c["emb_dim"], heads=c["heads"], ct=c.get("ct"),
                    **self.unet_growth())
        return te, unet

    def unet_growth(self, unet_config=None):
        """UNet keyword arguments for the growth of the ct level: this recipe's, or an exported unet/config.json's."""
        if unet_config is not None:
            return growth_from_config(unet_config)
        c = self.cfg["diffusion"]
        return {"top_blocks": c.get("top_blocks", 0)}

    def probe_sizes(self):
        """Classes of each LABELS entry (world.said_labels): cells twice, relations, colours twice, shapes twice, 1-4 objects."""
        nc, ns = len(self.wd.colors), len(self.wd.shapes)
        cells = len(self.wd.positions)
        return [cells, cells, len(self.wd.relations), nc, nc, ns, ns, 4]

    def unet_blocks(self):
        c = self.cfg["diffusion"]
        return ([c["ct"]] if c.get("ct") else []) + [c["c0"], c["c1"]]

    def stage_diffusion(self):
        c = self.cfg["diffusion"]
        torch.manual_seed(self.cfg["seed"] + 1)
        te, unet = self.diffusion_modules()
        if self.warm and not os.path.exists(self.path("diffusion.pt")):
            self.warm_start_diffusion(te, unet)
        bank = self.bank()
        keys, weights = self.buckets()
        scaling = self.state["latents"]["scaling_factor"]
        lat_all = {k: torch.from_numpy(v) * scaling for k, v in np.load(self.path("latents.npz")).items()}
        ids_all = {k: torch.from_numpy(bank["ids_" + k].astype(np.int64)) for k in keys}
        empty = torch.tensor(self.tokenizer()(""), dtype=torch.long)
        # Object cells of each latent grid (a cell is an object cell if any of its pixels is): their loss is weighted
        # up, since a small shape covers a few percent of the cells and its edges are what the judge reads.
        f = self.vae_factor
        masks_all = {k: F.max_pool2d(torch.from_numpy(bank["masks_" + k]).float()[:, None], f) for k in keys}
        distract = self.distractor_ids(ids_all)
        ac = alphas_cumprod()
        # Text probe: what the caption says (cells, relation, colours, shapes, count) read back linearly from the text
        # summary FiLM uses. Six runs left "top left" and "bottom right" 0.5 apart in text states of norm 9 (colour words:
        # 13), and the UNet's prediction 0.02 apart (colour: 0.34): no gradient ever made position words matter. The
        # probe makes them distinct where the UNet reads; it is not exported.
        probe_sizes = self.probe_sizes()
        probe = torch.nn.Linear(unet.emb_dim, sum(probe_sizes))
        labels_all = {k: torch.from_numpy(bank["labels_" + k].astype(np.int64)) for k in keys} if all(
            "labels_" + k in bank for k in keys) else None
        probe_weight = c.get("probe_weight", 0.0) if labels_all is not None else 0.0
        self.log(stage="diffusion", event="params", text_encoder=count_params(te), unet=count_params(unet),
                 probe=dict(zip(LABELS, probe_sizes)), probe_weight=probe_weight)

        def step_fn(step):
            rng = self.seed(3, step)
            key = keys[int(rng.choice(len(keys), p=weights))]
            batch = self.batch_for(key, c["batch"])
            n, k = ids_all[key].shape[:2]
            idx = rng.integers(n, size=batch)
            ids = ids_all[key][idx, rng.integers(k, size=batch)]
            drop = torch.from_numpy(rng.random(batch) < c["uncond_fraction"])
            ids = self.insert_distractors(ids, distract, rng, c.get("distractor_fraction", 0.0))
            ids = torch.where(drop[:, None], empty[None], ids)
            z0 = lat_all[key][idx]
            gen = torch.Generator().manual_seed(int(rng.integers(1 << 62)))
            noise = torch.randn(z0.shape, generator=gen)
            # Part of the batch from the noisier half of the schedule: where the caption alone must decide the layout.
            high = rng.random(batch) < c["high_noise_fraction"]
            t = torch.from_numpy(np.where(high, rng.integers(500, 1000, size=batch), rng.integers(0, 1000, size=batch)))
            a = ac[t][:, None, None, None]
            zt = a.sqrt() * z0 + (1 - a).sqrt() * noise
            ctx, _ = te(ids)
            pred = unet(zt, t, ctx)
            # Min-SNR-gamma weighting (epsilon form) spends less effort on nearly-clean timesteps. At high noise the
            # epsilon loss barely feels errors in the predicted image (x0 error is scaled by SNR), so position words,
            # which only matter there, gave no gradient: weight those steps up by 1/SNR (capped).
            snr = ac[t] / (1 - ac[t])
            w = torch.clamp(snr, max=c["min_snr_gamma"]) / snr * torch.clamp(1 / snr, min=1.0, max=c["high_noise_weight_max"])
            cell_w = 1 + c.get("object_weight", 0.0) * masks_all[key][idx]
            sq = (pred - noise) ** 2
            per = (cell_w * sq).mean(dim=(1, 2, 3)) / cell_w.mean(dim=(1, 2, 3))
            loss = (w * per).mean()
            if not probe_weight:
                return loss, [sq.mean().item(), 0.0, 0.0]
            labels = torch.where(drop[:, None], -1, labels_all[key][idx])
            logits = probe(unet.text_summary(ctx)).split(probe_sizes, dim=1)
            said = [j for j in range(len(probe_sizes)) if (labels[:, j] >= 0).any()]
            probe_loss = torch.stack([F.cross_entropy(logits[j], labels[:, j], ignore_index=-1) for j in said]).mean()
            cell = labels[:, 0] >= 0
            cell_acc = (logits[0][cell].argmax(1) == labels[cell, 0]).float().mean().item() if cell.any() else float("nan")
            return loss + probe_weight * probe_loss, [sq.mean().item(), probe_loss.item(), cell_acc]

        def on_eval(step, ema):
            try:
                res = self.evaluate(ema[0], ema[1], self.load_vae()[1], c["eval_prompts"], seed=7)
                self.log(stage="diffusion", event="eval", step=step, **res)
            except Exception as e:  # the periodic check must never stop a training run
                self.log(stage="diffusion", event="eval_failed", step=step, error=repr(e))

        ema, steps, elapsed, stopped = self.train_loop(
            "diffusion", c, [te, unet, probe], list(te.parameters()) + list(unet.parameters()) + list(probe.parameters()), step_fn,
            ema_modules=[te, unet], on_eval=on_eval)
        self.finish("diffusion", steps=steps, elapsed_s=round(elapsed, 1), stopped_by=stopped)

    def distractor_ids(self, ids_all):
        """Vocabulary tokens no training caption uses (special tokens aside): inserted at random into captions so
        that words the captions never taught (any phrasing of a user's or an agent's) leave the picture alone,
        instead of steering it with an untrained embedding."""
        tok = self.tokenizer()
        used = set(np.unique(np.concatenate([v.reshape(-1).numpy() for v in ids_all.values()])).tolist())
        special = {tok.bos, tok.eos, tok.pad}
        return torch.tensor(sorted(set(range(len(tok.encoder))) - used - special), dtype=torch.long)

    @staticmethod
    def insert_distractors(ids, distract, rng, fraction):
        """With probability `fraction` per caption, insert 1-2 distractor tokens at random places between BOS and
        EOS (the padding after EOS makes room; captions are far shorter than 77)."""
        if fraction <= 0 or len(distract) == 0:
            return ids
        ids = ids.clone()
        eos = int(ids[0, -1])  # captions are padded with EOS
        for b in np.nonzero(rng.random(len(ids)) < fraction)[0]:
            row = ids[b].tolist()
            end = row.index(eos, 1)
            for _ in range(int(rng.integers(1, 3))):
                if end >= len(row) - 1:
                    break
                at = int(rng.integers(1, end + 1))
                row.insert(at, int(distract[int(rng.integers(len(distract)))]))
                row.pop()
                end += 1
            ids[b] = torch.tensor(row, dtype=ids.dtype)
        return ids

    def warm_start_diffusion(self, te, unet):
        from export import TextEncoderGraph
        from warmstart import GRAPHS, load_from_onnx, remap_vocabulary
        tok = self.tokenizer()
        ids = torch.tensor([tok("a red circle")] * 2)
        rename = {"te.tok.weight": remap_vocabulary(os.path.join(self.warm, "tokenizer"), tok.encoder)}
        _, miss_t = load_from_onnx(TextEncoderGraph(te), os.path.join(self.warm, "text_encoder", "model.onnx"), (ids,),
                                   *GRAPHS["text_encoder"], rename=rename)
        warm_unet = self.warm_config("unet")
        if warm_unet.get("block_out_channels") == self.unet_blocks():
            side = 64 // self.vae_factor
            grown = self.unet_growth(warm_unet) != self.unet_growth()
            base = UNet(te.tok.weight.shape[1], c0=unet.c0, c1=unet.c1, emb_dim=unet.emb_dim, heads=unet.heads, ct=unet.ct,
                        **self.unet_growth(warm_unet)) if grown else unet
            _, miss_u = load_from_onnx(base, os.path.join(self.warm, "unet", "model.onnx"),
                                       (torch.randn(2, 4, side, side), torch.tensor([1, 2]), torch.randn(2, 77, te.tok.weight.shape[1])),
                                       *GRAPHS["unet"])
            if grown:  # the warm start's function carried over whole; the growth starts at zero and trains from here
                new = unet.grown_from(base)
                probe = (torch.randn(2, 4, side, side), torch.tensor([10, 900]), torch.randn(2, 9, te.tok.weight.shape[1]))
                with torch.no_grad():
                    drift = float((unet.eval()(*probe) - base.eval()(*probe)).abs().max())
                if drift > 1e-5:
                    raise RuntimeError(f"the grown UNet does not compute its warm start's function (max difference {drift})")
                self.log(stage="diffusion", event="grown", source=self.unet_growth(warm_unet), to=self.unet_growth(),
                         new_parameters=len(new), max_difference=drift)
        else:  # another UNet (v2's two levels on 8x8 latents -> three on 16x16): only the text encoder carries over
            miss_u = ["unet (other architecture: trained from scratch)"]
        self.log(stage="diffusion", event="warm_start", source=self.warm, missing=miss_t + miss_u)

    def load_diffusion(self):
        """EMA weights of text encoder and UNet (the ones exported)."""
        te, unet = self.diffusion_modules()
        s = torch.load(self.path("diffusion.pt"))
        te.load_state_dict(s["ema"][0])
        unet.load_state_dict(s["ema"][1])
        return te.eval(), unet.eval()

    @torch.no_grad()
    def evaluate(self, te, unet, dec, per_category, seed, steps=None, guidance=None):
        """Held-out prompts of every category at 64x64 (Python judge; the official numbers are the C# judge's)."""
        from world_judge import evaluate_world
        e = self.cfg["eval"]
        return evaluate_world(self, te, unet, dec, per_category, seed, steps or e["steps"], guidance or e["guidance"])

    # ---------------------------------------------------------------- stages 5-6
    def stage_export(self, snapshot=False):
        from export import export_all
        info = export_all(self)
        self.log(stage="export", snapshot=snapshot, **info)
        if not snapshot:
            self.finish("export", **info)

    def stage_eval(self, snapshot=False):
        from export import write_eval
        info = write_eval(self)
        if not snapshot:
            self.finish("eval", **info)


def to_uint8(x):
    return ((x.permute(0, 2, 3, 1).numpy() + 1) * 127.5).round().clip(0, 255).astype(np.uint8)


def default_work(smoke):
    return os.path.join(DEFAULT_ROOT, "smoke" if smoke else "work")


STAGES = ["bank", "vae", "latents", "diffusion", "decoder", "export", "eval"]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(DEFAULT_ROOT, "model"), help="exported model folder")
    ap.add_argument("--work", default=None, help=f"checkpoint folder (default {DEFAULT_ROOT}/work or /smoke)")
    ap.add_argument("--warm-start", default=WARM_START, help="exported model folder to start from ('' = from scratch)")
    ap.add_argument("--snapshot", action="store_true",
                    help="export + evaluate the current diffusion checkpoint into --out without finishing training")
    ap.add_argument("--smoke", action="store_true", help="tiny steps through every stage")
    ap.add_argument("--restart", action="store_true", help="delete the work folder's checkpoints and start over")
    ap.add_argument("--redo", nargs="*", default=[], help="rerun these finished stages (e.g. export eval)")
    ap.add_argument("--diffusion-minutes", type=float, default=None,
                    help="wall-clock budget of the diffusion stage (default: config.py's); the LR schedule fits it")
    ap.add_argument("--diffusion-lr", type=float, default=None,
                    help="peak learning rate of the diffusion stage (default: config.py's), e.g. lower to continue a run")
    args = ap.parse_args()
    if args.restart:
        work = os.path.abspath(args.work or default_work(args.smoke))
        if os.path.isdir(work):
            shutil.rmtree(work)
    run = Run(args)
    if args.diffusion_minutes is not None:
        run.cfg["diffusion"]["budget_s"] = args.diffusion_minutes * 60
    if args.diffusion_lr is not None:
        run.cfg["diffusion"]["lr"] = args.diffusion_lr
    for s in args.redo:
        if s in run.state["done"]:
            run.state["done"].remove(s)
    warm_tokenizer = os.path.join(args.warm_start, "tokenizer") if args.warm_start else ""
    if not os.path.exists(os.path.join(run.out, "tokenizer", "vocab.json")) and \
            os.path.exists(os.path.join(warm_tokenizer, "vocab.json")) and "warm-start" in warm_tokenizer:
        shutil.copytree(warm_tokenizer, os.path.join(run.out, "tokenizer"))  # the same v2 vocabulary, no ../shared needed
    if not os.path.exists(os.path.join(run.out, "tokenizer", "vocab.json")):
        import subprocess
        subprocess.check_call([sys.executable, os.path.join(HERE, "make_vocab.py"), CLIP_REFERENCE, os.path.join(run.out, "tokenizer")])
    run.log(stage="run", event="start", config=run.cfg, torch=torch.__version__,
            done=run.state["done"])
    t0 = time.time()
    if args.snapshot:
        for s in ("export", "eval"):
            ts = time.time()
            getattr(run, "stage_" + s)(snapshot=True)
            run.log(stage=s, event="snapshot_wall", wall_s=round(time.time() - ts, 1))
        return
    for s in STAGES:
        if s in run.state["done"]:
            continue
        ts = time.time()
        getattr(run, "stage_" + s)()
        run.log(stage=s, event="stage_wall", wall_s=round(time.time() - ts, 1))
    run.log(stage="run", event="end", wall_s=round(time.time() - t0, 1))


if __name__ == "__main__":
    main()
