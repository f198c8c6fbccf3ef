"""A quick Python judge for generated scenes (the official one is the C# judge; this one drives the training log).

Background = the palette colour most border pixels are nearest to. The object = the largest 4-connected region of
pixels whose nearest palette colour is not the background; its colour = majority nearest palette colour, its shape
from a hole (ring) or the fill ratio of its bounding box, its position from the centroid on a 3x3 grid.
"""
from collections import deque

import numpy as np

TRIANGLE_MAX_FILL = 0.65  # triangles fill ~0.5 of their box, disks ~0.79, squares ~1.0
DISK_MAX_FILL = 0.9
SMALL_MAX_SIDE = 19  # small objects span ~14-17 px, large ~24-30 px


def nearest_palette(img, rgb):
    d = ((img[:, :, None, :].astype(np.int32) - rgb[None, None].astype(np.int32)) ** 2).sum(-1)
    return d.argmin(-1)


def components(mask):
    """Label 4-connected components; returns list of (ys, xs) arrays, largest first."""
    h, w = mask.shape
    seen = np.zeros_like(mask, dtype=bool)
    out = []
    for y0, x0 in zip(*np.nonzero(mask)):
        if seen[y0, x0]:
            continue
        seen[y0, x0] = True
        q, pix = deque([(y0, x0)]), []
        while q:
            y, x = q.popleft()
            pix.append((y, x))
            for ny, nx in ((y - 1, x), (y + 1, x), (y, x - 1), (y, x + 1)):
                if 0 <= ny < h and 0 <= nx < w and mask[ny, nx] and not seen[ny, nx]:
                    seen[ny, nx] = True
                    q.append((ny, nx))
        pix = np.array(pix)
        out.append((pix[:, 0], pix[:, 1]))
    out.sort(key=lambda c: -len(c[0]))
    return out


def holes(region):
    """Pixels outside the region that cannot reach the image border through other outside pixels."""
    outside = ~region
    reach = np.zeros_like(region)
    h, w = region.shape
    q = deque()
    for y in range(h):
        for x in (0, w - 1):
            if outside[y, x] and not reach[y, x]:
                reach[y, x] = True
                q.append((y, x))
    for x in range(w):
        for y in (0, h - 1):
            if outside[y, x] and not reach[y, x]:
                reach[y, x] = True
                q.append((y, x))
    while q:
        y, x = q.popleft()
        for ny, nx in ((y - 1, x), (y + 1, x), (y, x - 1), (y, x + 1)):
            if 0 <= ny < h and 0 <= nx < w and outside[ny, nx] and not reach[ny, nx]:
                reach[ny, nx] = True
                q.append((ny, nx))
    return int((outside & ~reach).sum())


def judge(img, g):
    """img uint8 [S,S,3] -> dict(bg, color, shape, size, position) as grammar indices (None where no object)."""
    S = img.shape[0]
    idx = nearest_palette(img, g.rgb)
    border = np.concatenate([idx[0], idx[-1], idx[:, 0], idx[:, -1]])
    bg = int(np.bincount(border, minlength=len(g.colors)).argmax())
    comps = components(idx != bg)
    if not comps or len(comps[0][0]) < 6:
        return {"bg": bg, "color": None, "shape": None, "size": None, "position": None}
    ys, xs = comps[0]
    color = int(np.bincount(idx[ys, xs], minlength=len(g.colors)).argmax())
    region = np.zeros((S, S), dtype=bool)
    region[ys, xs] = True
    bw, bh = xs.max() - xs.min() + 1, ys.max() - ys.min() + 1
    fill = len(ys) / float(bw * bh)
    if holes(region) >= 3:
        shape = "ring"
    elif fill < TRIANGLE_MAX_FILL:
        shape = "triangle"
    elif fill < DISK_MAX_FILL:
        shape = "circle"
    else:
        shape = "square"
    cx, cy = (xs.mean() + 0.5) / S, (ys.mean() + 0.5) / S
    col, row = min(2, int(cx * 3)), min(2, int(cy * 3))
    grid = {(int(round((p[0] - 0.25) * 4)), int(round((p[1] - 0.25) * 4))): i for i, p in enumerate(g.position_values)}
    return {
        "bg": bg,
        "color": color,
        "shape": g.shapes.index(shape),
        "size": 0 if max(bw, bh) <= SMALL_MAX_SIDE else 1,
        "position": grid[(col, row)],
    }


def score(images, targets, g):
    """Fractions right for colour / shape / position / background / size / all-of-colour-shape-position."""
    keys = ["color", "shape", "position", "bg", "size"]
    hits = {k: 0 for k in keys + ["all"]}
    for img, t in zip(images, targets):
        j = judge(img, g)
        ok = {k: j[k] == t[k] for k in keys}
        for k in keys:
            hits[k] += ok[k]
        hits["all"] += ok["color"] and ok["shape"] and ok["position"]
    return {k: v / len(images) for k, v in hits.items()}
