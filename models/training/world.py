"""The v2 world of scene_grammar.json ("world"): scenes of 1-4 objects on several canvas sizes, captions, rendering.

Whatever a caption leaves unsaid is sampled (continuous centre anywhere the object fits, continuous radius, shade,
rotation, background colour); what it says is obeyed. The C# renderer/judge in tests/Easel.Testing reads the same
file and follows the same conventions: centre = (x W, y H), radius = r min(W, H), pixel centres at (i+0.5, j+0.5).
"""
import json
import math
import os
import re

import numpy as np

GRAMMAR_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "scene_grammar.json")
TONE_MIN, TONE_MAX = -0.17, 0.22  # every pixel's mix toward black (<0) / white (>0) stays in here: colours keep their name


class World:
    def __init__(self, path=GRAMMAR_PATH):
        with open(path, encoding="utf-8") as f:
            root = json.load(f)
        w = root["world"]
        self.raw = w
        self.colors = w["colors"]
        self.rgb = np.array([root["colors"][c] for c in self.colors], dtype=np.float64)
        self.shapes = list(w["shapes"].keys())
        self.specs = [w["shapes"][s] for s in self.shapes]
        self.polygons = [shape_polygon(s) for s in self.specs]
        self.canvases = [(c[0], c[1]) for c in w["canvases"]]
        weights = np.array([c[2] for c in w["canvases"]], dtype=np.float64)
        self.canvas_p = weights / weights.sum()
        self.holdout = {(self.colors.index(c), self.shapes.index(s), self.colors.index(b)) for c, s, b in w["holdout_triples"]}
        self.holdout_list = sorted(self.holdout)
        self.positions = list(root["positions"].keys())  # the 3x3 cells, v1 order (row-major)
        self.position_phrases = root["position_phrases"]
        self.size_phrases = root["size_phrases"]
        self.relations = list(w["relations"].keys())

    def cell(self, p):
        """(col, row) of a position name."""
        i = self.positions.index(p)
        return i % 3, i // 3


def shape_polygon(spec):
    kind = spec["kind"]
    if kind == "polygon":
        return np.array(spec["vertices"], dtype=np.float64)
    if kind == "regular":
        n, r = spec["points"], spec["outer"]
        a = -math.pi / 2 + 2 * math.pi * np.arange(n) / n
        return np.stack([r * np.cos(a), r * np.sin(a)], 1)
    if kind == "star":
        n, ro, ri = spec["points"], spec["outer"], spec["inner"] * spec["outer"]
        a = -math.pi / 2 + math.pi * np.arange(2 * n) / n
        rad = np.where(np.arange(2 * n) % 2 == 0, ro, ri)
        return np.stack([rad * np.cos(a), rad * np.sin(a)], 1)
    return None


# ----------------------------------------------------------------------------------------------- sampling

def pick(options, rng):
    return options[int(rng.integers(len(options)))]


def weighted(d, rng):
    keys = list(d.keys())
    p = np.array([d[k] for k in keys], dtype=np.float64)
    return keys[int(rng.choice(len(keys), p=p / p.sum()))]


def sample_scene(wd, rng, kind=None, canvas=None, allow_holdout=False, force=None):
    """A scene dict: canvas, bg, objects, and 'said' (what a caption may state). force overrides choices (eval)."""
    force = force or {}
    while True:
        s = _try_scene(wd, rng, kind or weighted(wd.raw["scene_mix"], rng), canvas, force)
        if s is None:
            continue
        if not allow_holdout and any((o["color"], o["shape"], s["bg"]) in wd.holdout for o in s["objects"]):
            continue
        return s


def _try_scene(wd, rng, kind, canvas, force):
    w = wd.raw
    sp = w["said_probability"]
    W, H = canvas or wd.canvases[int(rng.choice(len(wd.canvases), p=wd.canvas_p))]
    nc, ns = len(wd.colors), len(wd.shapes)
    said = {"kind": kind, "bg": bool(force.get("bg_said", rng.random() < sp["background"]))}
    objs = []
    if kind == "single":
        said["color"] = bool(force.get("color_said", rng.random() < sp["color"]))
        said["size"] = force.get("size", pick(["small", "large"], rng) if rng.random() < sp["size"] else None)
        said["position"] = force.get("position", pick(wd.positions, rng) if rng.random() < sp["position"] else None)
        said["one_word"] = force.get("one_word", rng.random() < 0.15)
        objs.append({"color": force.get("color", int(rng.integers(nc))), "shape": force.get("shape", int(rng.integers(ns))),
                     "size": said["size"], "cell": said["position"]})
    elif kind == "count":
        n = force.get("n", int(rng.integers(2, 5)))
        said["n"] = n
        said["color"] = bool(force.get("color_said", rng.random() < sp["count_color"]))
        said["size"] = force.get("size", "small" if rng.random() < 0.15 else None)
        shape = force.get("shape", int(rng.integers(ns)))
        color = force.get("color", int(rng.integers(nc)))
        for _ in range(n):
            objs.append({"color": color if said["color"] else int(rng.integers(nc)), "shape": shape, "size": said["size"], "cell": None})
    elif kind in ("pair", "relation"):
        said["color"] = bool(force.get("color_said", rng.random() < sp["color"]))
        a = force.get("a", (int(rng.integers(nc)), int(rng.integers(ns))))
        b = force.get("b", (int(rng.integers(nc)), int(rng.integers(ns))))
        if a[1] == b[1] and (not said["color"] or a[0] == b[0]):
            return None  # the two objects must be tellable apart from the caption
        cells = [None, None]
        if kind == "pair" and force.get("positions", rng.random() < sp["pair_positions"]):
            i, j = rng.choice(9, size=2, replace=False)
            cells = [wd.positions[int(i)], wd.positions[int(j)]]
        said["positions"] = cells
        if kind == "relation":
            said["relation"] = force.get("relation", pick(wd.relations, rng))
        objs = [{"color": a[0], "shape": a[1], "size": None, "cell": cells[0]},
                {"color": b[0], "shape": b[1], "size": None, "cell": cells[1]}]
    else:
        raise ValueError(kind)
    used = {o["color"] for o in objs}
    if "bg" in force:
        bg = force["bg"]
    else:
        free = [c for c in range(nc) if c not in used]
        if not free:
            return None
        bg = pick(free, rng)
    if bg in used:
        return None
    placed = place(wd, objs, W, H, said, rng)
    if placed is None:
        return None
    scene = {"W": W, "H": H, "bg": int(bg), "objects": placed, "said": said}
    scene["look"] = sample_look(wd, len(placed), rng)
    return scene


def place(wd, objs, W, H, said, rng, tries=60):
    w = wd.raw
    m = min(W, H)
    n = len(objs)
    gap = w["object_gap"] * m
    for _ in range(tries):
        out = []
        for o in objs:
            spec = wd.specs[o["shape"]]
            lo, hi = w["radius"][o["size"]] if o["size"] else w["radius"]["unsaid_one" if n == 1 else "unsaid_many"]
            lo = max(lo, w["min_radius_px"] / m)
            if o["cell"] is not None:
                hi = min(hi, 0.16)
            ok = False
            for _ in range(30):
                r = rng.uniform(lo, hi)
                ext = spec["extent"] * r * m
                xr, yr = [ext + 0.5, W - ext - 0.5], [ext + 0.5, H - ext - 0.5]
                if o["cell"] is not None:
                    col, row = wd.cell(o["cell"])
                    mg = w["position_margin"]
                    xr = [max(xr[0], W * (col + mg) / 3), min(xr[1], W * (col + 1 - mg) / 3)]
                    yr = [max(yr[0], H * (row + mg) / 3), min(yr[1], H * (row + 1 - mg) / 3)]
                if xr[0] >= xr[1] or yr[0] >= yr[1]:
                    continue
                x, y = rng.uniform(*xr), rng.uniform(*yr)
                if all(math.hypot(x - p["x"] * W, y - p["y"] * H) >= ext + p["ext"] + gap for p in out):
                    ok = True
                    break
            if not ok:
                break
            rot = rng.uniform(-1, 1) * math.radians(w["rotation_max_deg"]) if spec["rotates"] else 0.0
            out.append({"color": o["color"], "shape": o["shape"], "x": x / W, "y": y / H, "r": r, "ext": ext, "rot": rot})
        if len(out) < n:
            continue
        if said.get("relation") and not relation_holds(wd, said["relation"], out[0], out[1], w["relation_min_offset"],
                                                       w["relation_max_cross_ratio"]):
            continue
        for p in out:
            del p["ext"]
        return out
    return None


def relation_holds(wd, rel, a, b, min_offset, max_cross_ratio):
    """a rel b, e.g. a 'left of' b: b.x - a.x >= min_offset and |dy| <= ratio * dx (canvas fractions)."""
    spec = wd.raw["relations"][rel]
    along, across = ("x", "y") if spec["axis"] == "x" else ("y", "x")
    d = (b[along] - a[along]) * -spec["sign"]
    return d >= min_offset and abs(b[across] - a[across]) <= max_cross_ratio * d


def sample_look(wd, n, rng):
    ap = wd.raw["appearance"]
    t = ap["background_tone"]
    return {"bg_style": weighted(ap["background_styles"], rng), "bg_tones": [float(v) for v in rng.uniform(-t, t, 2)],
            "bg_angle": float(rng.uniform(0, 2 * math.pi)), "bg_offset": float(rng.uniform(-0.3, 0.3)),
            "shades": [float(v) for v in rng.uniform(*ap["shade"], n)],
            "styles": [weighted(ap["object_styles"], rng) for _ in range(n)],
            "light_angles": [float(v) for v in rng.uniform(0, 2 * math.pi, n)],
            "noise": float(rng.uniform(*ap["noise_sigma"])), "noise_seed": int(rng.integers(1 << 31))}


# ----------------------------------------------------------------------------------------------- captions

def object_phrase(wd, o, said, rng, plural_n=None):
    size = pick(wd.size_phrases[said["size"]], rng) + " " if said.get("size") else ""
    color = wd.colors[o["color"]] + " " if said.get("color") else ""
    shape = wd.shapes[o["shape"]]
    if plural_n:
        return f"{pick(wd.raw['counts'][str(plural_n)], rng)} {size}{color}{wd.raw['plurals'][shape]}"
    art = "one" if said.get("one_word") else article(size or color or shape)
    return f"{art} {size}{color}{shape}"


def article(next_word, written="a"):
    """'a' or 'an' by the next word's first letter, in the case written ("A" stays capital); the same rule as the
    engine's IndefiniteArticle, so "on an orange background" is what training and the judge's prompts both say."""
    a = "an" if next_word[:1].lower() in "aeiou" else "a"
    return a.capitalize() if written[:1].isupper() else a


# What a scene's captions say, as class indices for the text probe (train.py): -1 where the caption says nothing.
LABELS = ("cell_a", "cell_b", "relation", "color_a", "color_b", "shape_a", "shape_b", "count")


def said_labels(wd, scene):
    """One int per LABELS entry. Every caption of a scene says these (caption drop only leaves out size and
    background), so one row per scene serves all of its captions."""
    said, obs = scene["said"], scene["objects"]
    kind = said["kind"]
    cells = [said["position"], None] if kind == "single" else (said.get("positions") or [None, None])
    labels = [wd.positions.index(c) if c else -1 for c in cells]
    labels.append(wd.relations.index(said["relation"]) if kind == "relation" else -1)
    two = kind in ("pair", "relation")
    colors = [obs[0]["color"], obs[1]["color"] if two else -1] if said["color"] else [-1, -1]
    labels += colors + [obs[0]["shape"], obs[1]["shape"] if two else -1]
    labels.append(said["n"] - 1 if kind == "count" else len(obs) - 1)  # objects - 1
    return labels


def caption(wd, scene, rng, eval_phrasing=False, drop=0.0):
    """One caption of the scene. drop: probability of leaving out an optional said attribute (size, background)."""
    said = dict(scene["said"])
    if drop and said.get("size") and rng.random() < drop:
        said["size"] = None
    if drop and said["bg"] and rng.random() < drop:
        said["bg"] = False
    obs = scene["objects"]
    kind = said["kind"]
    if kind == "single":
        text = object_phrase(wd, obs[0], said, rng)
        if said["position"]:
            text += " " + pick(wd.position_phrases[said["position"]], rng)
    elif kind == "count":
        text = object_phrase(wd, obs[0], said, rng, plural_n=said["n"])
    else:
        s2 = {"color": said["color"]}
        a, b = object_phrase(wd, obs[0], s2, rng), object_phrase(wd, obs[1], s2, rng)
        if kind == "pair":
            cells = said["positions"]
            if cells[0]:
                a += " " + pick(wd.position_phrases[cells[0]], rng)
                b += " " + pick(wd.position_phrases[cells[1]], rng)
            text = pick(wd.raw["pair_joins"], rng).format(a=a, b=b)
        else:
            rel = pick(wd.raw["relations"][said["relation"]]["phrases"], rng)
            text = pick(wd.raw["relation_joins"], rng).format(a=a, rel=rel, b=b)
    prefix = "eval_" if eval_phrasing else ""
    if said["bg"]:
        bg = wd.colors[scene["bg"]]
        template = re.sub(r"\b([Aa])n? (?=\{bg\})", lambda m: article(bg, m.group(1)) + " ", pick(wd.raw[prefix + "scene_templates"], rng))
        t = template.format(objects=text, bg=bg)
    else:
        t = pick(wd.raw[prefix + "scene_templates_no_bg"], rng).format(objects=text)
    return re.sub(r"\s+", " ", t).strip()


# ----------------------------------------------------------------------------------------------- rendering

def mix(rgb, tone):
    """Mix toward white (tone > 0) or black (tone < 0); rgb [..., 3], tone broadcastable [...]."""
    tone = np.clip(tone, TONE_MIN, TONE_MAX)[..., None]
    target = np.where(tone > 0, 255.0, 0.0)
    return rgb + np.abs(tone) * (target - rgb)


def shape_mask(wd, o, W, H):
    """Boolean [H, W] mask of one object (hard-edged, pixel centres)."""
    m = min(W, H)
    r = o["r"] * m
    dx = (np.arange(W) + 0.5)[None, :] - o["x"] * W
    dy = (np.arange(H) + 0.5)[:, None] - o["y"] * H
    c, s = math.cos(o["rot"]), math.sin(o["rot"])
    u = (c * dx + s * dy) / r  # rotate by -rot into the shape's own frame, unit radius
    v = (-s * dx + c * dy) / r
    spec = wd.specs[o["shape"]]
    if spec["kind"] == "disk":
        return u * u + v * v <= 1.0
    if spec["kind"] == "ring":
        d2 = u * u + v * v
        return (d2 <= 1.0) & (d2 > spec["inner"] ** 2)
    return in_polygon(u, v, wd.polygons[o["shape"]])


def in_polygon(u, v, poly):
    """Even-odd crossing test, vectorised over pixels."""
    inside = np.zeros(np.broadcast_shapes(u.shape, v.shape), dtype=bool)
    n = len(poly)
    for i in range(n):
        (x1, y1), (x2, y2) = poly[i], poly[(i + 1) % n]
        if y1 == y2:
            continue
        cond = (y1 > v) != (y2 > v)
        xint = x1 + (v - y1) * (x2 - x1) / (y2 - y1)
        inside ^= cond & (u < xint)
    return inside


def render_scene(wd, scene):
    """uint8 [H, W, 3] image and an object mask [H, W]."""
    W, H = scene["W"], scene["H"]
    look = scene["look"]
    yy, xx = np.meshgrid((np.arange(H) + 0.5) / H, (np.arange(W) + 0.5) / W, indexing="ij")
    t0, t1 = look["bg_tones"]
    style = look["bg_style"]
    if style == "flat":
        tone = np.full((H, W), t0)
    elif style == "vertical_gradient":
        tone = t0 + (t1 - t0) * yy
    elif style == "horizontal_gradient":
        tone = t0 + (t1 - t0) * xx
    elif style == "diagonal_gradient":
        tone = t0 + (t1 - t0) * (xx + yy) / 2
    else:  # two_tone: a straight split at a random angle
        a = look["bg_angle"]
        tone = np.where((xx - 0.5) * math.cos(a) + (yy - 0.5) * math.sin(a) > look["bg_offset"], t1, t0)
    img = mix(np.broadcast_to(wd.rgb[scene["bg"]], (H, W, 3)), tone)
    any_mask = np.zeros((H, W), dtype=bool)
    ap = wd.raw["appearance"]
    for k, o in enumerate(scene["objects"]):
        mk = shape_mask(wd, o, W, H)
        tone = np.full((H, W), look["shades"][k])
        st = look["styles"][k]
        if st == "shaded":
            a = look["light_angles"][k]
            r = o["r"] * min(W, H)
            proj = ((xx * W - o["x"] * W) * math.cos(a) + (yy * H - o["y"] * H) * math.sin(a)) / r
            tone = tone + ap["object_light"] * np.clip(proj, -1, 1)
        elif st == "outlined":
            inner = mk.copy()
            inner[1:] &= mk[:-1]
            inner[:-1] &= mk[1:]
            inner[:, 1:] &= mk[:, :-1]
            inner[:, :-1] &= mk[:, 1:]
            tone = np.where(mk & ~inner, tone - ap["outline_darken"], tone)
        col = mix(np.broadcast_to(wd.rgb[o["color"]], (H, W, 3)), tone)
        img = np.where(mk[..., None], col, img)
        any_mask |= mk
    if look["noise"] > 0:
        img = img + np.random.default_rng(look["noise_seed"]).normal(0, look["noise"], img.shape)
    return np.clip(np.round(img), 0, 255).astype(np.uint8), any_mask


# ----------------------------------------------------------------------------------------------- evaluation prompts

CATEGORIES = ["single", "two_objects", "counting", "colors", "position", "relative_position", "color_attribution"]


def eval_scene(wd, category, i, rng, canvas=(64, 64)):
    """Held-out prompt i of a category: at least one object is a held-out (colour, shape, background) triple, the
    background is said and the phrasing is an eval-only template. Returns the scene (said = what the prompt says)."""
    c, s, b = wd.holdout_list[i % len(wd.holdout_list)]
    nc, ns = len(wd.colors), len(wd.shapes)
    other = lambda: (int(pick([k for k in range(nc) if k not in (b,)], rng)), int(rng.integers(ns)))  # noqa: E731
    f = {"bg": b, "bg_said": True}
    if category == "single":
        f.update(color=c, shape=s, color_said=False, size=None, position=None, one_word=False)
        kind = "single"
    elif category == "colors":
        f.update(color=c, shape=s, color_said=True, size=None, position=None, one_word=False)
        kind = "single"
    elif category == "position":
        f.update(color=c, shape=s, color_said=True, size=None, position=wd.positions[int(rng.integers(9))], one_word=False)
        kind = "single"
    elif category == "counting":
        f.update(color=c, shape=s, color_said=True, size=None, n=int(1 + i % 4))
        kind = "count" if f["n"] > 1 else "single"
        if kind == "single":
            f.update(position=None, one_word=True)
    else:
        while True:
            o = other()
            if o[1] != s and o[0] != c:
                break
        pair = [(c, s), o] if rng.random() < 0.5 else [o, (c, s)]
        f.update(a=pair[0], b=pair[1], color_said=category != "two_objects", positions=False)
        kind = "relation" if category == "relative_position" else "pair"
        if kind == "relation":
            f["relation"] = wd.relations[i % 4]
    return sample_scene(wd, rng, kind=kind, canvas=canvas, allow_holdout=True, force=f)
