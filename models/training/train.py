#!/usr/bin/env python3
"""Train Easel's bundled miniature Stable Diffusion from scratch and export it in the diffusers ONNX layout.

    python3 models/training/train.py --out models/easel-shapes [--smoke] [--work DIR] [--restart]

Stages (each resumable from models/training/work/): bank -> vae -> latents -> diffusion -> export -> eval.
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
from networks import TextEncoder, UNet, VaeDecoder, VaeEncoder, count_params  # noqa: E402
from scenes import Grammar, caption, eval_prompts, render, sample_scenes, to_model_pixels  # noqa: E402

REPO = os.path.dirname(os.path.dirname(HERE))
CLIP_REFERENCE = "/work/shared/reference/clip"


class Run:
    def __init__(self, args):
        self.cfg = merged(args.smoke)
        self.out = os.path.abspath(args.out)
        self.work = os.path.abspath(args.work or os.path.join(HERE, "work", "smoke" if args.smoke else "full"))
        os.makedirs(self.work, exist_ok=True)
        os.makedirs(self.out, exist_ok=True)
        self.log_path = os.path.join(self.work, "training_log.jsonl")
        self.state_path = os.path.join(self.work, "state.json")
        self.state = json.load(open(self.state_path)) if os.path.exists(self.state_path) else {"done": []}
        self.g = Grammar()
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

    def seed(self, *keys):
        """Deterministic RNG for (stage, step, ...) so a resumed run draws the same batches."""
        return np.random.default_rng([self.cfg["seed"], *keys])

    # ---------------------------------------------------------------- stage 0: scene bank
    def stage_bank(self):
        c = self.cfg["bank"]
        t0 = time.time()
        rng = self.seed(0)
        scenes = sample_scenes(self.g, c["scenes"], rng, c["two_object_fraction"])
        images, masks = render(self.g, scenes)
        tok = self.tokenizer()
        k = c["captions_per_scene"]
        ids = np.zeros((c["scenes"], k, 77), dtype=np.int16)
        for i in range(c["scenes"]):
            for j in range(k):
                ids[i, j] = tok(caption(self.g, scenes["bg"][i], scenes["n_obj"][i], scenes["obj"][i], rng))
        np.savez(self.path("bank.npz"), images=images, masks=masks, ids=ids, **scenes)
        self.log(stage="bank", scenes=c["scenes"], two_object=int((scenes["n_obj"] == 2).sum()),
                 unique_first_captions=len({tuple(r) for r in ids[:, 0]}), wall_s=round(time.time() - t0, 1))
        self.finish("bank")

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
                mean = np.mean(losses, axis=0)
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
        bank = self.bank()
        n = len(bank["bg"])
        dil = torch.nn.MaxPool2d(3, stride=1, padding=1)

        def step_fn(step):
            idx = self.seed(1, step).integers(n, size=c["batch"])
            x = torch.from_numpy(to_model_pixels(bank["images"][idx]))
            m = dil(torch.from_numpy(bank["masks"][idx]).float()[:, None])
            z = enc(x)
            zn = z + c["latent_noise"] * z.detach().std() * torch.randn_like(z)
            y = dec(zn)
            w = 1 + c["object_weight"] * m
            err = y - x
            rec = (w * (err.abs() + err ** 2)).mean() / w.mean()
            edge = ((y[..., 1:, :] - y[..., :-1, :]) - (x[..., 1:, :] - x[..., :-1, :])).abs().mean() + \
                   ((y[..., 1:] - y[..., :-1]) - (x[..., 1:] - x[..., :-1])).abs().mean()
            mean_pen = (z.mean(dim=(0, 2, 3)) ** 2).mean()
            loss = rec + c["edge_weight"] * edge + c["mean_penalty"] * mean_pen
            return loss, [rec.item(), edge.item(), (err ** 2).mean().item()]

        _, steps, elapsed, stopped = self.train_loop("vae", c, [enc, dec], list(enc.parameters()) + list(dec.parameters()), step_fn)
        enc.eval(), dec.eval()
        rt = self.vae_round_trip(enc, dec)
        self.log(stage="vae", event="round_trip", **rt)
        self.finish("vae", steps=steps, elapsed_s=round(elapsed, 1), stopped_by=stopped, round_trip=rt)

    def load_vae(self):
        enc, dec = self.vae_modules()
        s = torch.load(self.path("vae.pt"))
        enc.load_state_dict(s["modules"][0])
        dec.load_state_dict(s["modules"][1])
        return enc.eval(), dec.eval()

    @torch.no_grad()
    def vae_round_trip(self, enc, dec):
        """Judge ground-truth held-out scenes before and after encode/decode (all triples x sizes x positions)."""
        targets = [{"color": c, "shape": s, "size": size, "position": p, "bg": b}
                   for (c, s, b) in self.g.holdout_list for size in range(len(self.g.sizes)) for p in range(9)]
        scenes = {"bg": np.array([t["bg"] for t in targets]), "n_obj": np.ones(len(targets), dtype=np.int64),
                  "obj": np.array([[[t["color"], t["shape"], t["size"], t["position"]], [-1] * 4] for t in targets])}
        images, _ = render(self.g, scenes)
        x = torch.from_numpy(to_model_pixels(images))
        y = dec(enc(x)).clamp(-1, 1)
        recon = to_uint8(y)
        small = [i for i, t in enumerate(targets) if t["size"] == 0]
        return {"mse": round(float(((y - x) ** 2).mean()), 5),
                "ground_truth": score(images, targets, self.g),
                "round_trip": score(recon, targets, self.g),
                "round_trip_small": score(recon[small], [targets[i] for i in small], self.g)}

    # ---------------------------------------------------------------- stage 2: latent cache
    @torch.no_grad()
    def stage_latents(self):
        t0 = time.time()
        enc, _ = self.load_vae()
        bank = self.bank()
        b = self.cfg["latents"]["batch"]
        lat = []
        for i in range(0, len(bank["bg"]), b):
            lat.append(enc(torch.from_numpy(to_model_pixels(bank["images"][i:i + b]))).numpy())
        lat = np.concatenate(lat)
        scaling = float(1.0 / lat.std())
        np.save(self.path("latents.npy"), lat)
        self.log(stage="latents", count=len(lat), mean=round(float(lat.mean()), 4), std=round(float(lat.std()), 4),
                 channel_means=[round(float(v), 4) for v in lat.mean(axis=(0, 2, 3))], scaling_factor=scaling,
                 wall_s=round(time.time() - t0, 1))
        self.finish("latents", scaling_factor=scaling)

    # ---------------------------------------------------------------- stage 3: text encoder + UNet
    def diffusion_modules(self):
        c = self.cfg["diffusion"]
        tok = self.tokenizer()
        te = TextEncoder(len(tok.encoder), tok.eos, dim=c["text_dim"], layers=c["text_layers"], heads=c["text_heads"])
        unet = UNet(c["text_dim"], c0=c["c0"], c1=c["c1"], emb_dim=c["emb_dim"], heads=c["heads"])
        return te, unet

    def stage_diffusion(self):
        c = self.cfg["diffusion"]
        torch.manual_seed(self.cfg["seed"] + 1)
        te, unet = self.diffusion_modules()
        bank = self.bank()
        lat = torch.from_numpy(np.load(self.path("latents.npy"))) * self.state["latents"]["scaling_factor"]
        ids_all = torch.from_numpy(bank["ids"].astype(np.int64))
        empty = torch.tensor(self.tokenizer()(""), dtype=torch.long)
        ac = alphas_cumprod()
        n, k = ids_all.shape[:2]
        self.log(stage="diffusion", event="params", text_encoder=count_params(te), unet=count_params(unet))

        def step_fn(step):
            rng = self.seed(3, step)
            idx = rng.integers(n, size=c["batch"])
            ids = ids_all[idx, rng.integers(k, size=c["batch"])]
            drop = torch.from_numpy(rng.random(c["batch"]) < c["uncond_fraction"])
            ids = torch.where(drop[:, None], empty[None], ids)
            z0 = lat[idx]
            gen = torch.Generator().manual_seed(int(rng.integers(1 << 62)))
            noise = torch.randn(z0.shape, generator=gen)
            # Part of the batch from the noisier half of the schedule: where the caption alone must decide the layout.
            high = rng.random(c["batch"]) < c["high_noise_fraction"]
            t = torch.from_numpy(np.where(high, rng.integers(500, 1000, size=c["batch"]), rng.integers(0, 1000, size=c["batch"])))
            a = ac[t][:, None, None, None]
            zt = a.sqrt() * z0 + (1 - a).sqrt() * noise
            ctx, _ = te(ids)
            pred = unet(zt, t, ctx)
            # Min-SNR-gamma weighting (epsilon form) spends less effort on nearly-clean timesteps. At high noise the
            # epsilon loss barely feels errors in the predicted image (x0 error is scaled by SNR), so position words,
            # which only matter there, gave no gradient: weight those steps up by 1/SNR (capped).
            snr = ac[t] / (1 - ac[t])
            w = torch.clamp(snr, max=c["min_snr_gamma"]) / snr * torch.clamp(1 / snr, min=1.0, max=c["high_noise_weight_max"])
            per = ((pred - noise) ** 2).mean(dim=(1, 2, 3))
            loss = (w * per).mean()
            return loss, [per.mean().item()]

        def on_eval(step, ema):
            res, _, _ = self.evaluate(ema[0], ema[1], self.load_vae()[1], c["eval_prompts"], self.cfg["eval"]["steps"],
                                      self.cfg["eval"]["guidance"], seed=7)
            self.log(stage="diffusion", event="eval", step=step, prompts=c["eval_prompts"], **res)

        ema, steps, elapsed, stopped = self.train_loop(
            "diffusion", c, [te, unet], list(te.parameters()) + list(unet.parameters()), step_fn,
            ema_modules=[te, unet], on_eval=on_eval)
        self.finish("diffusion", steps=steps, elapsed_s=round(elapsed, 1), stopped_by=stopped)

    def load_diffusion(self):
        """EMA weights of text encoder and UNet (the ones exported)."""
        te, unet = self.diffusion_modules()
        s = torch.load(self.path("diffusion.pt"))
        te.load_state_dict(s["ema"][0])
        unet.load_state_dict(s["ema"][1])
        return te.eval(), unet.eval()

    @torch.no_grad()
    def evaluate(self, te, unet, dec, count, steps, guidance, seed):
        te.eval(), unet.eval()
        tok = self.tokenizer()
        prompts = eval_prompts(self.g, count, self.seed(90, seed))
        ids = torch.tensor([tok(p) for p, _ in prompts])
        cond, _ = te(ids)
        uncond, _ = te(torch.tensor([tok("")] * len(prompts)))
        noise = torch.randn((len(prompts), 4, 8, 8), generator=torch.Generator().manual_seed(seed))
        lat = sample(unet, cond, uncond, noise, steps, guidance)
        images = to_uint8(dec(lat / self.state["latents"]["scaling_factor"]).clamp(-1, 1))
        res = score(images, [t for _, t in prompts], self.g)
        return {k: round(v, 4) for k, v in res.items()}, images, prompts

    # ---------------------------------------------------------------- stages 4-5
    def stage_export(self):
        from export import export_all
        info = export_all(self)
        self.log(stage="export", **info)
        self.finish("export", **info)

    def stage_eval(self):
        from export import write_eval
        info = write_eval(self)
        self.finish("eval", **info)


def to_uint8(x):
    return ((x.permute(0, 2, 3, 1).numpy() + 1) * 127.5).round().clip(0, 255).astype(np.uint8)


STAGES = ["bank", "vae", "latents", "diffusion", "export", "eval"]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(REPO, "models", "easel-shapes"))
    ap.add_argument("--work", default=None, help="checkpoint folder (default models/training/work/full or /smoke)")
    ap.add_argument("--smoke", action="store_true", help="tiny steps through every stage")
    ap.add_argument("--restart", action="store_true", help="delete the work folder's checkpoints and start over")
    ap.add_argument("--redo", nargs="*", default=[], help="rerun these finished stages (e.g. export eval)")
    args = ap.parse_args()
    if args.restart:
        work = os.path.abspath(args.work or os.path.join(HERE, "work", "smoke" if args.smoke else "full"))
        if os.path.isdir(work):
            shutil.rmtree(work)
    run = Run(args)
    for s in args.redo:
        if s in run.state["done"]:
            run.state["done"].remove(s)
    if not os.path.exists(os.path.join(run.out, "tokenizer", "vocab.json")):
        import subprocess
        subprocess.check_call([sys.executable, os.path.join(HERE, "make_vocab.py"), CLIP_REFERENCE, os.path.join(run.out, "tokenizer")])
    run.log(stage="run", event="start", config=run.cfg, torch=torch.__version__,
            done=run.state["done"])
    t0 = time.time()
    for s in STAGES:
        if s in run.state["done"]:
            continue
        ts = time.time()
        getattr(run, "stage_" + s)()
        run.log(stage=s, event="stage_wall", wall_s=round(time.time() - ts, 1))
    run.log(stage="run", event="end", wall_s=round(time.time() - t0, 1))


if __name__ == "__main__":
    main()
