"""Procedural scenes from scene_grammar.json: sampling, captions and vectorised hard-edged rendering.

The rules here are the contract with the C# renderer and judge (see the grammar's description):
pixel centres at (x+0.5, y+0.5), centre = position x S, radius = size x S, later objects paint over earlier ones.
A scene is stored as integer indices so captions can be re-sampled every epoch without re-rendering.
"""
import json
import os
import re

import numpy as np

GRAMMAR_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "scene_grammar.json")


class Grammar:
    def __init__(self, path=GRAMMAR_PATH):
        with open(path, encoding="utf-8") as f:
            g = json.load(f)
        self.raw = g
        self.size = g["image_size"]
        self.colors = list(g["colors"].keys())
        self.rgb = np.array([g["colors"][c] for c in self.colors], dtype=np.uint8)
        self.shapes = list(g["shapes"].keys())
        self.shape_specs = [g["shapes"][s] for s in self.shapes]
        self.sizes = list(g["sizes"].keys())
        self.size_values = np.array([g["sizes"][s] for s in self.sizes])
        self.positions = list(g["positions"].keys())
        self.position_values = np.array([g["positions"][p] for p in self.positions])
        self.position_phrases = g["position_phrases"]
        self.size_phrases = g["size_phrases"]
        self.templates_one = g["templates_one"]
        self.templates_two = g["templates_two"]
        self.default_size = self.sizes.index(g["defaults_when_unsaid"]["size"])
        self.default_position = self.positions.index(g["defaults_when_unsaid"]["position"])
        self.two_object_size = self.sizes.index(g["two_object_size"])
        self.holdout = {(self.colors.index(c), self.shapes.index(s), self.colors.index(b)) for c, s, b in g["holdout"]["triples"]}
        self.holdout_list = sorted(self.holdout)
        # Pairs of positions far enough apart for two-object scenes (>= 0.3 in position units).
        p = self.position_values
        dist = np.sqrt(((p[:, None, :] - p[None, :, :]) ** 2).sum(-1))
        self.far_pairs = [(i, j) for i in range(len(p)) for j in range(len(p)) if i != j and dist[i, j] >= 0.3 - 1e-9]


# Scene arrays: bg [N], n_obj [N], obj [N, 2, 4] with columns (colour, shape, size, position); unused slot = -1.
def sample_scenes(g, n, rng, two_object_fraction=0.25, allow_holdout=False):
    bg = np.zeros(n, dtype=np.int64)
    n_obj = np.where(rng.random(n) < two_object_fraction, 2, 1).astype(np.int64)
    obj = -np.ones((n, 2, 4), dtype=np.int64)
    nc, ns = len(g.colors), len(g.shapes)
    for i in range(n):
        while True:
            b = rng.integers(nc)
            if n_obj[i] == 1:
                c = rng.integers(nc)
                s = rng.integers(ns)
                if c == b or (not allow_holdout and (c, s, b) in g.holdout):
                    continue
                # Pick the template family first so the unsaid defaults (large, centre) get their natural share.
                t = g.templates_one[rng.integers(len(g.templates_one))]
                size = rng.integers(len(g.sizes)) if "{size}" in t else g.default_size
                pos = rng.integers(len(g.positions)) if "{position}" in t else g.default_position
                bg[i], obj[i, 0] = b, (c, s, size, pos)
            else:
                c1, c2 = rng.integers(nc, size=2)
                s1, s2 = rng.integers(ns, size=2)
                if b in (c1, c2):
                    continue
                if not allow_holdout and ((c1, s1, b) in g.holdout or (c2, s2, b) in g.holdout):
                    continue
                p1, p2 = g.far_pairs[rng.integers(len(g.far_pairs))]
                bg[i] = b
                obj[i, 0] = (c1, s1, g.two_object_size, p1)
                obj[i, 1] = (c2, s2, g.two_object_size, p2)
            break
    return {"bg": bg, "n_obj": n_obj, "obj": obj}


def compatible_templates(g, size, pos):
    """Single-object templates whose unsaid defaults agree with the scene."""
    out = []
    for t in g.templates_one:
        if "{size}" not in t and size != g.default_size:
            continue
        if "{position}" not in t and pos != g.default_position:
            continue
        out.append(t)
    return out


def caption(g, bg, n_obj, obj, rng):
    if n_obj == 1:
        c, s, size, pos = obj[0]
        t = compatible_templates(g, size, pos)
        t = t[rng.integers(len(t))]
        return fill_one(g, t, c, s, size, pos, bg, rng)
    t = g.templates_two[rng.integers(len(g.templates_two))]
    (c1, s1, _, p1), (c2, s2, _, p2) = obj[0], obj[1]
    out = t.replace("{bg}", g.colors[bg])
    out = out.replace("{color1}", g.colors[c1]).replace("{shape1}", g.shapes[s1])
    out = out.replace("{color2}", g.colors[c2]).replace("{shape2}", g.shapes[s2])
    out = out.replace("{position1}", pick(g.position_phrases[g.positions[p1]], rng))
    out = out.replace("{position2}", pick(g.position_phrases[g.positions[p2]], rng))
    return out


def fill_one(g, template, c, s, size, pos, bg, rng):
    out = template.replace("{bg}", g.colors[bg]).replace("{color}", g.colors[c]).replace("{shape}", g.shapes[s])
    out = out.replace("{size}", pick(g.size_phrases[g.sizes[size]], rng))
    out = out.replace("{position}", pick(g.position_phrases[g.positions[pos]], rng))
    return re.sub(r"\s+", " ", out).strip()


def pick(options, rng):
    return options[rng.integers(len(options))]


def shape_masks(g, kind_index, cx, cy, r):
    """Boolean masks [n, S, S] for objects of one shape kind; cx, cy, r are float64 arrays [n] in pixels."""
    S = g.size
    centres = np.arange(S, dtype=np.float64) + 0.5
    dx = centres[None, None, :] - cx[:, None, None]
    dy = centres[None, :, None] - cy[:, None, None]
    spec = g.shape_specs[kind_index]
    kind = spec["kind"]
    rr = r[:, None, None]
    if kind == "disk":
        return dx * dx + dy * dy <= rr * rr
    if kind == "ring":
        d2 = dx * dx + dy * dy
        inner = spec["inner"] * rr
        return (d2 > inner * inner) & (d2 <= rr * rr)
    if kind == "square":
        h = spec["half_side"] * rr
        return (np.abs(dx) <= h) & (np.abs(dy) <= h)
    if kind == "triangle":
        R = spec["circumradius"] * rr
        # Vertices relative to the centroid: top, bottom-left, bottom-right (y down). Inside = on the inner side
        # of every edge, i.e. the cross product edge x (p - start) has the same sign as for the centroid (or is 0).
        v = [(0.0 * R, -R), (-R * np.sqrt(3) / 2, R / 2), (R * np.sqrt(3) / 2, R / 2)]
        inside = np.ones(np.broadcast_shapes(dx.shape, dy.shape), dtype=bool)
        for k in range(3):
            (ax, ay), (bx, by) = v[k], v[(k + 1) % 3]
            cross = (bx - ax) * (dy - ay) - (by - ay) * (dx - ax)
            centroid_cross = (bx - ax) * (0 - ay) - (by - ay) * (0 - ax)
            inside &= cross * np.sign(centroid_cross) >= 0
        return inside
    raise ValueError(kind)


def render(g, scenes, chunk=2048):
    """uint8 images [N, S, S, 3] and object masks [N, S, S] (True where any object is drawn)."""
    n = len(scenes["bg"])
    S = g.size
    images = np.empty((n, S, S, 3), dtype=np.uint8)
    masks = np.empty((n, S, S), dtype=bool)
    for start in range(0, n, chunk):
        sl = slice(start, min(n, start + chunk))
        bg = scenes["bg"][sl]
        obj = scenes["obj"][sl]
        img = np.broadcast_to(g.rgb[bg][:, None, None, :], (len(bg), S, S, 3)).copy()
        any_mask = np.zeros((len(bg), S, S), dtype=bool)
        for slot in range(2):
            present = obj[:, slot, 0] >= 0
            for kind in range(len(g.shapes)):
                sel = np.nonzero(present & (obj[:, slot, 1] == kind))[0]
                if len(sel) == 0:
                    continue
                o = obj[sel, slot]
                cx = g.position_values[o[:, 3], 0] * S
                cy = g.position_values[o[:, 3], 1] * S
                r = g.size_values[o[:, 2]] * S
                m = shape_masks(g, kind, cx, cy, r)
                colour = g.rgb[o[:, 0]][:, None, None, :]
                img[sel] = np.where(m[..., None], colour, img[sel])
                any_mask[sel] |= m
        images[sl] = img
        masks[sl] = any_mask
    return images, masks


def to_model_pixels(images_uint8):
    """uint8 NHWC -> float32 NCHW in [-1, 1] (the VAE's pixel convention)."""
    x = images_uint8.astype(np.float32) / 127.5 - 1.0
    return np.ascontiguousarray(x.transpose(0, 3, 1, 2))


def eval_prompts(g, n, rng):
    """Held-out single-object prompts: (caption, scene) from holdout triples, sizes/positions as the caption says."""
    out = []
    for i in range(n):
        c, s, b = g.holdout_list[i % len(g.holdout_list)]
        t = g.templates_one[rng.integers(len(g.templates_one))]
        size = rng.integers(len(g.sizes)) if "{size}" in t else g.default_size
        pos = rng.integers(len(g.positions)) if "{position}" in t else g.default_position
        out.append((fill_one(g, t, c, s, size, pos, b, rng), {"color": c, "shape": s, "size": size, "position": pos, "bg": b}))
    return out
