"""The three networks of the miniature Stable Diffusion: VAE, CLIP-style text encoder, conditional UNet.

Everything is fully convolutional / sequence-generic so ONNX export keeps batch and spatial axes dynamic.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


def norm(channels):
    return nn.GroupNorm(min(8, channels // 4), channels)


class ResBlock(nn.Module):
    """GN-SiLU-conv twice with a residual path; optional per-channel shift from an embedding (time + text)."""

    def __init__(self, cin, cout, emb_dim=None):
        super().__init__()
        self.norm1, self.conv1 = norm(cin), nn.Conv2d(cin, cout, 3, padding=1)
        self.norm2, self.conv2 = norm(cout), nn.Conv2d(cout, cout, 3, padding=1)
        self.emb = nn.Linear(emb_dim, 2 * cout) if emb_dim else None
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else nn.Identity()

    def forward(self, x, emb=None):
        h = self.conv1(F.silu(self.norm1(x)))
        h = self.norm2(h)
        if self.emb is not None:
            # Scale-and-shift (FiLM) lets the global text summary steer colours everywhere at once.
            scale, shift = self.emb(F.silu(emb))[:, :, None, None].chunk(2, dim=1)
            h = h * (1 + scale) + shift
        h = self.conv2(F.silu(h))
        return self.skip(x) + h


# ----------------------------------------------------------------------------------------------- VAE

class VaeEncoder(nn.Module):
    """[B,3,H,W] in [-1,1] -> latent mean [B,4,H/8,W/8]."""

    def __init__(self, ch=(32, 64, 128, 128), latent=4):
        super().__init__()
        self.conv_in = nn.Conv2d(3, ch[0], 3, padding=1)
        layers = [ResBlock(ch[0], ch[0])]
        for a, b in zip(ch[:-1], ch[1:]):
            layers += [nn.Conv2d(a, b, 3, stride=2, padding=1), ResBlock(b, b)]
        layers += [ResBlock(ch[-1], ch[-1])]
        self.body = nn.Sequential(*layers)
        self.out = nn.Sequential(norm(ch[-1]), nn.SiLU(), nn.Conv2d(ch[-1], latent, 3, padding=1))

    def forward(self, x):
        return self.out(self.body(self.conv_in(x)))


class VaeDecoder(nn.Module):
    """latent [B,4,h,w] -> image [B,3,8h,8w] (unclamped while training; the export clamps to [-1,1])."""

    def __init__(self, ch=(32, 64, 128, 128), latent=4):
        super().__init__()
        rev = ch[::-1]
        self.conv_in = nn.Conv2d(latent, rev[0], 3, padding=1)
        layers = [ResBlock(rev[0], rev[0]), ResBlock(rev[0], rev[0])]
        for a, b in zip(rev[:-1], rev[1:]):
            layers += [nn.Upsample(scale_factor=2.0, mode="nearest"), nn.Conv2d(a, b, 3, padding=1), ResBlock(b, b)]
        self.body = nn.Sequential(*layers)
        self.out = nn.Sequential(norm(rev[-1]), nn.SiLU(), nn.Conv2d(rev[-1], 3, 3, padding=1))

    def forward(self, z):
        return self.out(self.body(self.conv_in(z)))


# ----------------------------------------------------------------------------------------------- text encoder

class TextBlock(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.ln1, self.qkv, self.proj = nn.LayerNorm(dim), nn.Linear(dim, 3 * dim), nn.Linear(dim, dim)
        self.ln2 = nn.LayerNorm(dim)
        self.mlp = nn.Sequential(nn.Linear(dim, 4 * dim), nn.GELU(), nn.Linear(4 * dim, dim))

    def forward(self, x, mask):
        # Hand-written attention (not nn.MultiheadAttention) so ONNX export never meets a fused fast path.
        b, n, c = x.shape
        q, k, v = self.qkv(self.ln1(x)).reshape(b, n, 3, self.heads, c // self.heads).permute(2, 0, 3, 1, 4).unbind(0)
        w = torch.softmax(q @ k.transpose(-1, -2) * (c // self.heads) ** -0.5 + mask, dim=-1)
        x = x + self.proj((w @ v).transpose(1, 2).reshape(b, n, c))
        return x + self.mlp(self.ln2(x))


class TextEncoder(nn.Module):
    """CLIP-like: token + learned position embeddings, pre-LN causal transformer, final LayerNorm.

    Returns (last_hidden_state [B,77,D], pooler_output [B,D] = hidden state at the first EOS token, as CLIP does).
    """

    def __init__(self, vocab_size, eos_id, dim=192, layers=3, heads=4, max_len=77):
        super().__init__()
        self.eos_id = eos_id
        self.tok = nn.Embedding(vocab_size, dim)
        self.pos = nn.Parameter(torch.randn(max_len, dim) * 0.01)
        self.blocks = nn.ModuleList([TextBlock(dim, heads) for _ in range(layers)])
        self.ln_final = nn.LayerNorm(dim)
        self.register_buffer("mask", torch.triu(torch.full((max_len, max_len), float("-inf")), 1), persistent=False)
        nn.init.normal_(self.tok.weight, std=0.02)

    def forward(self, ids):
        n = ids.shape[1]
        x = self.tok(ids) + self.pos[:n]
        mask = self.mask[:n, :n]
        for b in self.blocks:
            x = b(x, mask)
        x = self.ln_final(x)
        # CLIP pools at the first EOS; with EOS padding that is the first position holding the EOS id.
        first_eos = (ids == self.eos_id).int().argmax(dim=1)
        pooled = x[torch.arange(x.shape[0]), first_eos]
        return x, pooled


# ----------------------------------------------------------------------------------------------- UNet

def timestep_embedding(t, dim):
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32, device=t.device) / half)
    args = t.float()[:, None] * freqs[None]
    return torch.cat([torch.cos(args), torch.sin(args)], dim=1)


class Attention(nn.Module):
    def __init__(self, dim, ctx_dim, heads):
        super().__init__()
        self.heads = heads
        self.q = nn.Linear(dim, dim, bias=False)
        self.k = nn.Linear(ctx_dim, dim, bias=False)
        self.v = nn.Linear(ctx_dim, dim, bias=False)
        self.o = nn.Linear(dim, dim)

    def forward(self, x, ctx):
        b, n, c = x.shape
        h = self.heads
        q = self.q(x).reshape(b, n, h, c // h).transpose(1, 2)
        k = self.k(ctx).reshape(b, ctx.shape[1], h, c // h).transpose(1, 2)
        v = self.v(ctx).reshape(b, ctx.shape[1], h, c // h).transpose(1, 2)
        w = torch.softmax(q @ k.transpose(-1, -2) * (c // h) ** -0.5, dim=-1)
        return self.o((w @ v).transpose(1, 2).reshape(b, n, c))


class SpatialTransformer(nn.Module):
    """Self-attention over latent pixels, cross-attention on text states, feed-forward (SD's transformer block)."""

    def __init__(self, dim, ctx_dim, heads=4):
        super().__init__()
        self.norm = norm(dim)
        self.proj_in = nn.Linear(dim, dim)
        self.ln1, self.self_attn = nn.LayerNorm(dim), Attention(dim, dim, heads)
        self.ln2, self.cross_attn = nn.LayerNorm(dim), Attention(dim, ctx_dim, heads)
        self.ln3 = nn.LayerNorm(dim)
        self.ff = nn.Sequential(nn.Linear(dim, 4 * dim), nn.GELU(), nn.Linear(4 * dim, dim))
        self.proj_out = nn.Linear(dim, dim)

    def forward(self, x, ctx):
        b, c, hh, ww = x.shape
        h = self.norm(x).flatten(2).transpose(1, 2)
        h = self.proj_in(h)
        a = self.ln1(h)
        h = h + self.self_attn(a, a)
        h = h + self.cross_attn(self.ln2(h), ctx)
        h = h + self.ff(self.ln3(h))
        h = self.proj_out(h).transpose(1, 2).reshape(b, c, hh, ww)
        return x + h


class UNet(nn.Module):
    """Conditional UNet, epsilon prediction: an attention level (c0) and a half-size level (c1), optionally inside a
    full-resolution level without attention (ct: ResBlocks only, for the 4x VAE's 16x16 latents at 64x64, where
    attention over every cell would cost 4x and the shapes' edges are local work).

    Besides cross-attention, an attention-pooled summary of the text states is added to the time embedding and
    drives FiLM in every ResBlock: a cheap global path for colour and shape that trains much faster on CPU.

    top_blocks grows the full-resolution level (needs ct) on the way up: extra ResBlocks whose last convolution starts
    at zero, so a grown UNet computes exactly what its warm start did and training continues from there instead of
    from scratch (see grown_from). (Attention there was measured at 2.75x the step time at batch 64: not on CPU.)
    """

    def __init__(self, ctx_dim, c0=96, c1=192, emb_dim=256, heads=4, latent=4, coord_freqs=(1, 2, 4), ct=None,
                 top_blocks=0):
        super().__init__()
        self.emb_dim, self.c0, self.c1, self.heads = emb_dim, c0, c1, heads
        self.ct = ct
        self.coord_freqs = coord_freqs
        self.time_mlp = nn.Sequential(nn.Linear(emb_dim, emb_dim), nn.SiLU(), nn.Linear(emb_dim, emb_dim))
        self.pool_query = nn.Parameter(torch.randn(ctx_dim) * ctx_dim ** -0.5)
        self.text_mlp = nn.Sequential(nn.Linear(ctx_dim, emb_dim), nn.SiLU(), nn.Linear(emb_dim, emb_dim))
        c_in = ct or c0
        self.conv_in = nn.Conv2d(latent + 4 * len(coord_freqs), c_in, 3, padding=1)
        if ct:
            self.top_down = ResBlock(ct, ct, emb_dim)
            self.top_pool = nn.Conv2d(ct, c0, 3, stride=2, padding=1)
            self.top_up = ResBlock(c0 + ct, ct, emb_dim)
        self.down0 = ResBlock(c0, c0, emb_dim)
        self.attn_d0 = SpatialTransformer(c0, ctx_dim, heads)
        self.downsample = nn.Conv2d(c0, c0, 3, stride=2, padding=1)
        self.down1 = ResBlock(c0, c1, emb_dim)
        self.attn_mid = SpatialTransformer(c1, ctx_dim, heads)
        self.mid = ResBlock(c1, c1, emb_dim)
        self.up0 = ResBlock(c1 + c0, c0, emb_dim)
        self.attn_u0 = SpatialTransformer(c0, ctx_dim, heads)
        self.up0b = ResBlock(2 * c0, c0, emb_dim)
        if top_blocks and not ct:
            raise ValueError("top_blocks grows the ct level; set ct")
        self.top_extra = nn.ModuleList([ResBlock(ct, ct, emb_dim) for _ in range(top_blocks)])
        for block in self.top_extra:
            nn.init.zeros_(block.conv2.weight)
            nn.init.zeros_(block.conv2.bias)
        self.out = nn.Sequential(norm(c_in), nn.SiLU(), nn.Conv2d(c_in, latent, 3, padding=1))
        nn.init.zeros_(self.out[-1].weight)
        nn.init.zeros_(self.out[-1].bias)

    def text_summary(self, ctx):
        """The text's share of the embedding every ResBlock's FiLM reads: an attention-pooled summary of the states."""
        weights = torch.softmax(ctx @ self.pool_query * ctx.shape[-1] ** -0.5, dim=1)
        return self.text_mlp((weights[:, :, None] * ctx).sum(1))

    def forward(self, sample, timestep, encoder_hidden_states):
        ctx = encoder_hidden_states
        emb = self.time_mlp(timestep_embedding(timestep, self.emb_dim)) + self.text_summary(ctx)

        x0 = self.conv_in(torch.cat([sample, self.coordinates(sample)], dim=1))
        if self.ct:
            ht = self.top_down(x0, emb)
            x0 = self.top_pool(ht)
        h0 = self.attn_d0(self.down0(x0, emb), ctx)
        h = self.down1(self.downsample(h0), emb)
        h = self.mid(self.attn_mid(h, ctx), emb)
        # Upsample to the skip's exact size so odd latent sides (e.g. 5x5 from 40 px) work too.
        h = F.interpolate(h, size=h0.shape[-2:], mode="nearest")
        h = self.attn_u0(self.up0(torch.cat([h, h0], 1), emb), ctx)
        h = self.up0b(torch.cat([h, x0], 1), emb)
        if self.ct:
            h = self.top_up(torch.cat([F.interpolate(h, size=ht.shape[-2:], mode="nearest"), ht], 1), emb)
            for block in self.top_extra:
                h = block(h, emb)
        return self.out(h)

    def grown_from(self, base):
        """Copy every parameter of `base` (the same UNet without some of the growth) into this one; the growth keeps
        its zero-initialised outputs, so both compute the same function. Returns the names that were not in base."""
        own = self.state_dict()
        shared = {k: v for k, v in base.state_dict().items() if k in own and own[k].shape == v.shape}
        if len(shared) != len(base.state_dict()):
            raise ValueError("base is not a smaller version of this UNet")
        self.load_state_dict(shared, strict=False)
        return sorted(k for k in own if k not in shared)


    def coordinates(self, sample):
        """Fourier features of normalised pixel-centre coordinates: without them convolutions and attention are
        (nearly) translation-equivariant and the model cannot tell "top left" from "bottom right".
        Built with cumsum over ones so the exported graph stays dynamic in height and width."""
        ones = torch.ones_like(sample[:, :1])
        x = (torch.cumsum(ones, dim=3) - 0.5) / ones.sum(dim=3, keepdim=True)
        y = (torch.cumsum(ones, dim=2) - 0.5) / ones.sum(dim=2, keepdim=True)
        feats = []
        for f in self.coord_freqs:
            for c in (x, y):
                feats += [torch.sin(math.pi * f * c), torch.cos(math.pi * f * c)]
        return torch.cat(feats, dim=1)


def growth_from_config(unet_config):
    """The UNet growth keywords an exported unet/config.json records (none: an ungrown UNet)."""
    return {"top_blocks": unet_config.get("easel_top_blocks", 0)}


def growth_config(top_blocks=0):
    """The unet/config.json keys of a growth (diffusers ignores unknown keys); none for an ungrown UNet."""
    return {"easel_top_blocks": top_blocks} if top_blocks else {}


def count_params(m):
    return sum(p.numel() for p in m.parameters())
