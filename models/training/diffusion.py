"""The DDIM noise schedule of scheduler_config.json (scaled_linear 0.00085..0.012, 1000 steps) and its sampler."""
import numpy as np
import torch

NUM_TRAIN_TIMESTEPS = 1000
BETA_START, BETA_END = 0.00085, 0.012


def alphas_cumprod():
    betas = torch.linspace(BETA_START ** 0.5, BETA_END ** 0.5, NUM_TRAIN_TIMESTEPS, dtype=torch.float64) ** 2
    return torch.cumprod(1.0 - betas, dim=0).float()


def ddim_timesteps(steps, steps_offset=1):
    """'leading' spacing as diffusers does it: 0, r, 2r, ... reversed, plus steps_offset."""
    ratio = NUM_TRAIN_TIMESTEPS // steps
    return (np.arange(steps) * ratio)[::-1].astype(np.int64) + steps_offset, ratio


@torch.no_grad()
def sample(unet, cond, uncond, noise, steps=20, guidance=7.5):
    """Deterministic DDIM (eta 0) with classifier-free guidance; returns scaled latents."""
    ac = alphas_cumprod()
    final_alpha = ac[0]  # set_alpha_to_one = false
    ts, ratio = ddim_timesteps(steps)
    x = noise
    b = x.shape[0]
    ctx = torch.cat([uncond, cond])
    for t in ts:
        tt = torch.full((2 * b,), int(t), dtype=torch.long)
        eps_u, eps_c = unet(torch.cat([x, x]), tt, ctx).chunk(2)
        eps = eps_u + guidance * (eps_c - eps_u)
        a_t = ac[t]
        a_prev = ac[t - ratio] if t - ratio >= 0 else final_alpha
        x0 = (x - (1 - a_t).sqrt() * eps) / a_t.sqrt()
        x = a_prev.sqrt() * x0 + (1 - a_prev).sqrt() * eps
    return x
