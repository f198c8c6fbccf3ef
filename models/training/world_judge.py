"""Python judge of v2 world images, for the training log (the official numbers come from the C# judge in
tests/Easel.Testing, which follows the same rules).

Every pixel takes its nearest palette colour; the background is the colour most border pixels take. Objects are the
4-connected regions of one non-background colour, without specks (too small) and halos (thin fringes of an in-between
colour around another object, which blurred edges produce). Shape from rotation-invariant measures: a hole (ring),
the lobes of the outline's radius about the centroid (3 triangle, 4 square or cross, 5 star, none circle) and
solidity = area / convex-hull area (a cross is concave).
"""
import math
from collections import deque

import numpy as np
import torch

from world import CATEGORIES, caption, eval_scene, relation_holds

MIN_AREA_FRACTION = 0.0035   # of the canvas (a small object at 0.075 radius covers ~0.012 of a square canvas)
HALO_TOUCH = 0.5             # a region with at least this share of its pixels next to a larger object is a fringe
# Outline harmonics (see lobes), 5th-95th percentile on 64x64 renders, clean / VAE-decoded: circle every lobe
# <= .02 / .05; triangle a3 .23-.29 / .21-.34; square a4 .12-.15 / .06-.15; cross a4 .27-.34 / .14-.32; star a5
# .26-.33 / .04-.32. Solidity = area / hull area: square .90-.98, cross .72-.76 / .74-.89.
BINS = 64
CIRCLE_MAX_LOBE = 0.055
CROSS_MIN_LOBE = 0.18
CROSS_MAX_SOLIDITY = 0.76
SQUARE_MIN_SOLIDITY = 0.86
RELATION_MIN_OFFSET = 0.05


def nearest_palette(img, rgb):
    d = ((img[:, :, None, :].astype(np.int32) - rgb[None, None].astype(np.int32)) ** 2).sum(-1)
    return d.argmin(-1)


def label(mask):
    h, w = mask.shape
    lab = -np.ones((h, w), dtype=np.int32)
    regions = []
    for y0, x0 in zip(*np.nonzero(mask)):
        if lab[y0, x0] >= 0:
            continue
        k = len(regions)
        lab[y0, x0] = k
        q, pix = deque([(y0, x0)]), []
        while q:
            y, x = q.popleft()
            pix.append((y, x))
            for ny, nx in ((y - 1, x), (y + 1, x), (y, x - 1), (y, x + 1)):
                if 0 <= ny < h and 0 <= nx < w and mask[ny, nx] and lab[ny, nx] < 0:
                    lab[ny, nx] = k
                    q.append((ny, nx))
        regions.append(np.array(pix))
    return lab, regions


def hull_area(points):
    """Convex hull of the pixel centres (monotone chain), grown by half a pixel all round (area + perimeter / 2 + 1,
    exact for axis-aligned rectangles of pixels), so it compares with the pixel count."""
    pts = sorted(set(map(tuple, points[:, ::-1].tolist())))
    if len(pts) < 3:
        return float(len(points))

    def cross(o, a, b):
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    lower, upper = [], []
    for p in pts:
        while len(lower) >= 2 and cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    for p in reversed(pts):
        while len(upper) >= 2 and cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    h = lower[:-1] + upper[:-1]
    n = len(h)
    area = 0.5 * abs(sum(h[i][0] * h[(i + 1) % n][1] - h[(i + 1) % n][0] * h[i][1] for i in range(n)))
    perimeter = sum(math.dist(h[i], h[(i + 1) % n]) for i in range(n))
    return area + perimeter / 2 + 1


def has_hole(region_mask, min_hole):
    outside = ~region_mask
    h, w = outside.shape
    reach = np.zeros_like(outside)
    q = deque([(y, x) for y in range(h) for x in (0, w - 1) if outside[y, x]] +
              [(y, x) for x in range(w) for y in (0, h - 1) if outside[y, x]])
    for y, x in q:
        reach[y, x] = True
    while q:
        y, x = q.popleft()
        for ny, nx in ((y - 1, x), (y + 1, x), (y, x - 1), (y, x + 1)):
            if 0 <= ny < h and 0 <= nx < w and outside[ny, nx] and not reach[ny, nx]:
                reach[ny, nx] = True
                q.append((ny, nx))
    return int((outside & ~reach).sum()) >= min_hole


def lobes(pix, H, W, cy, cx):
    """Amplitudes of the 3rd, 4th and 5th harmonics of the outline's radius about the centroid (64 sectors, the
    farthest boundary pixel edge in each, empty sectors interpolated), relative to the mean radius."""
    inside = set(map(tuple, pix.tolist()))
    r = np.zeros(BINS)
    for y, x in pix.tolist():
        if not (y == 0 or x == 0 or y == H - 1 or x == W - 1 or any(
                (y + dy, x + dx) not in inside for dy, dx in ((1, 0), (-1, 0), (0, 1), (0, -1)))):
            continue
        dy, dx = y - cy, x - cx
        b = int(math.floor((math.atan2(dy, dx) + math.pi) / (2 * math.pi) * BINS)) % BINS
        r[b] = max(r[b], math.hypot(dy, dx) + 0.5)
    idx = np.nonzero(r > 0)[0]
    r = np.interp(np.arange(BINS), np.concatenate([idx - BINS, idx, idx + BINS]), np.tile(r[idx], 3))
    f = np.abs(np.fft.rfft(r)) / BINS
    return [2 * f[k] / f[0] for k in (3, 4, 5)]


def classify(pix, H, W):
    area = len(pix)
    cy, cx = pix[:, 0].mean(), pix[:, 1].mean()
    y0, x0 = pix.min(0)
    sub = np.zeros((pix[:, 0].max() - y0 + 3, pix[:, 1].max() - x0 + 3), dtype=bool)
    sub[pix[:, 0] - y0 + 1, pix[:, 1] - x0 + 1] = True
    if has_hole(sub, max(2, int(0.04 * area))):
        shape = "ring"
    else:
        a3, a4, a5 = lobes(pix, H, W, cy, cx)
        solidity = area / hull_area(pix)
        strongest = max(a3, a4, a5)
        if strongest < CIRCLE_MAX_LOBE:
            shape = "circle"
        elif a3 == strongest:
            shape = "triangle"
        elif a4 == strongest:
            deep = a4 > CROSS_MIN_LOBE or solidity < CROSS_MAX_SOLIDITY
            shape = "cross" if deep and solidity <= SQUARE_MIN_SOLIDITY else "square"
        else:
            shape = "star"
    return shape, (cx + 0.5) / W, (cy + 0.5) / H, area


def judge(img, wd):
    """img uint8 [H, W, 3] -> {"bg": colour index, "objects": [{"color", "shape", "x", "y", "area"}]}."""
    H, W = img.shape[:2]
    idx = nearest_palette(img, wd.rgb)
    border = np.concatenate([idx[0], idx[-1], idx[:, 0], idx[:, -1]])
    bg = int(np.bincount(border, minlength=len(wd.colors)).argmax())
    lab, regions = label(idx != bg)
    # Split 4-connected non-background regions by colour.
    objs = []
    colour_lab = -np.ones((H, W), dtype=np.int32)
    parts = []
    for c in range(len(wd.colors)):
        if c == bg:
            continue
        l2, regs = label(idx == c)
        for r in regs:
            colour_lab[r[:, 0], r[:, 1]] = len(parts)
            parts.append((c, r))
    min_area = MIN_AREA_FRACTION * H * W
    sizes = np.array([len(r) for _, r in parts])
    for k, (c, r) in enumerate(parts):
        if len(r) < min_area:
            continue
        touch = 0
        for y, x in r:
            for ny, nx in ((y - 1, x), (y + 1, x), (y, x - 1), (y, x + 1)):
                if 0 <= ny < H and 0 <= nx < W:
                    o = colour_lab[ny, nx]
                    if o >= 0 and o != k and sizes[o] > len(r):
                        touch += 1
                        break
        if touch >= HALO_TOUCH * len(r):
            continue
        shape, x, y, area = classify(r, H, W)
        objs.append({"color": c, "shape": wd.shapes.index(shape), "x": x, "y": y, "area": area})
    return {"bg": bg, "objects": objs}


def grade(wd, scene, j):
    """True when the judged image satisfies everything the scene's prompt says."""
    said, obs, got = scene["said"], scene["objects"], j["objects"]
    if said["bg"] and j["bg"] != scene["bg"]:
        return False
    kind = said["kind"]
    if kind == "single":
        if len(got) != 1 or got[0]["shape"] != obs[0]["shape"]:
            return False
        if said["color"] and got[0]["color"] != obs[0]["color"]:
            return False
        if said["position"]:
            col, row = wd.cell(said["position"])
            if (min(2, int(got[0]["x"] * 3)), min(2, int(got[0]["y"] * 3))) != (col, row):
                return False
        return True
    if kind == "count":
        return len(got) == said["n"] and all(g["shape"] == obs[0]["shape"] and
                                             (not said["color"] or g["color"] == obs[0]["color"]) for g in got)
    if len(got) != 2:
        return False
    key = (lambda o: (o["color"], o["shape"])) if said["color"] else (lambda o: o["shape"])
    for order in ((0, 1), (1, 0)):
        a, b = got[order[0]], got[order[1]]
        if key(a) == key(obs[0]) and key(b) == key(obs[1]):
            if kind == "relation":
                return relation_holds(wd, said["relation"], a, b, RELATION_MIN_OFFSET, 1.0)
            return True
    return False


@torch.no_grad()
def evaluate_world(run, te, unet, dec, per_category, seed, steps, guidance):
    from diffusion import sample
    te.eval(), unet.eval()
    wd, tok = run.wd, run.tokenizer()
    rng = run.seed(90, seed)
    out = {}
    for cat in CATEGORIES:
        scenes = [eval_scene(wd, cat, i, rng) for i in range(per_category)]
        prompts = [caption(wd, s, rng, eval_phrasing=True) for s in scenes]
        cond, _ = te(torch.tensor([tok(p) for p in prompts]))
        uncond, _ = te(torch.tensor([tok("")] * len(prompts)))
        side = 64 // run.vae_factor
        noise = torch.randn((len(prompts), 4, side, side), generator=torch.Generator().manual_seed(seed))
        lat = sample(unet, cond, uncond, noise, steps, guidance)
        x = dec(lat / run.state["latents"]["scaling_factor"]).clamp(-1, 1)
        imgs = ((x.permute(0, 2, 3, 1).numpy() + 1) * 127.5).round().clip(0, 255).astype(np.uint8)
        out[cat] = round(float(np.mean([grade(wd, s, judge(im, wd)) for s, im in zip(scenes, imgs)])), 3)
    return out
