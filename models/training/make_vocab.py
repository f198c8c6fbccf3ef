#!/usr/bin/env python3
"""Build a reduced CLIP BPE vocabulary (same file format as openai/CLIP's) for the bundled model and fixtures.

The reduced vocabulary keeps the 512 byte-level base symbols (so any text still tokenizes), every merge the full
CLIP merge list applies to the words of scene_grammar.json plus a few common words, in their original priority
order, and the two special tokens. BPE over a subset of merges that contains every merge a word used gives the
same segmentation as the full list, so these words tokenize exactly as in CLIP (with renumbered ids).

Usage: make_vocab.py FULL_CLIP_DIR OUT_TOKENIZER_DIR [--pad-token TOKEN]
"""
import json, os, re, sys, argparse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from clip_tokenizer import bytes_to_unicode  # noqa: E402  (one byte table for the trainer and this tool)

EXTRA_WORDS = """a an the of on in at and with photo picture image drawing painting shape shapes background
colour color colored coloured object objects one two big small left right top bottom centre center middle
corner side upper lower near against""".split()


def bpe(word, ranks):
    """Returns (tokens, merges used) for one pre-token, CLIP style (last symbol carries </w>)."""
    parts = list(word[:-1]) + [word[-1] + "</w>"]
    used = []
    while len(parts) > 1:
        pairs = [(ranks.get((parts[i], parts[i + 1]), 1 << 30), i) for i in range(len(parts) - 1)]
        best_rank, _ = min(pairs)
        if best_rank == 1 << 30:
            break
        a, b = next((parts[i], parts[i + 1]) for r, i in pairs if r == best_rank)
        used.append((a, b))
        out, i = [], 0
        while i < len(parts):
            if i < len(parts) - 1 and parts[i] == a and parts[i + 1] == b:
                out.append(a + b)
                i += 2
            else:
                out.append(parts[i])
                i += 1
        parts = out
    return parts, used


def grammar_words(grammar):
    text = []
    text += grammar["colors"].keys()
    text += grammar["shapes"].keys()
    text += grammar["sizes"].keys()
    text += grammar["positions"].keys()
    for v in grammar["position_phrases"].values():
        text += v
    for v in grammar["size_phrases"].values():
        text += v
    text += grammar["templates_one"] + grammar["templates_two"]
    w = grammar.get("world")
    if w:  # the v2 world's words: shapes, plurals, count words, relation phrases and every template
        text += list(w["shapes"].keys()) + list(w["plurals"].values())
        for v in w["counts"].values():
            text += v
        for r in w["relations"].values():
            text += r["phrases"]
        for k in ("object_phrases",):
            for v in w[k].values():
                text += v
        for k in ("scene_templates", "scene_templates_no_bg", "pair_joins", "relation_joins", "eval_scene_templates",
                  "eval_scene_templates_no_bg"):
            text += w[k]
    words = set()
    for t in text:
        t = re.sub(r"\{[a-z0-9]+\}", " ", t.lower())
        words.update(re.findall(r"[a-z]+|[0-9]|[^\sa-z0-9]+", t))
    return words


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("full_dir")
    ap.add_argument("out_dir")
    ap.add_argument("--grammar", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "scene_grammar.json"))
    ap.add_argument("--pad-token", default="<|endoftext|>")
    args = ap.parse_args()

    merges = [tuple(l.split()) for l in open(os.path.join(args.full_dir, "merges.txt"), encoding="utf-8").read().splitlines()[1:] if l.strip()]
    merges = merges[: 49152 - 256 - 2]  # the slice CLIP's simple_tokenizer uses
    ranks = {m: i for i, m in enumerate(merges)}
    words = grammar_words(json.load(open(args.grammar, encoding="utf-8"))) | set(EXTRA_WORDS)
    byte_encoder = bytes_to_unicode()
    used = set()
    for w in sorted(words):
        token = "".join(byte_encoder[b] for b in w.encode("utf-8"))
        _, u = bpe(token, ranks)
        used.update(u)
    kept = [m for m in merges if m in used]

    base = list(byte_encoder.values())
    vocab_list = base + [v + "</w>" for v in base] + ["".join(m) for m in kept] + ["<|startoftext|>", "<|endoftext|>"]
    vocab = {tok: i for i, tok in enumerate(vocab_list)}
    assert len(vocab) == len(vocab_list), "duplicate tokens"

    os.makedirs(args.out_dir, exist_ok=True)
    with open(os.path.join(args.out_dir, "vocab.json"), "w", encoding="utf-8") as f:
        json.dump(vocab, f, ensure_ascii=False)
    with open(os.path.join(args.out_dir, "merges.txt"), "w", encoding="utf-8") as f:
        f.write("#version: 0.2\n")
        for a, b in kept:
            f.write(f"{a} {b}\n")
    special = {
        "bos_token": {"content": "<|startoftext|>", "lstrip": False, "normalized": True, "rstrip": False, "single_word": False},
        "eos_token": {"content": "<|endoftext|>", "lstrip": False, "normalized": True, "rstrip": False, "single_word": False},
        "pad_token": args.pad_token,
        "unk_token": {"content": "<|endoftext|>", "lstrip": False, "normalized": True, "rstrip": False, "single_word": False},
    }
    with open(os.path.join(args.out_dir, "special_tokens_map.json"), "w", encoding="utf-8") as f:
        json.dump(special, f, indent=2)
    config = {
        "add_prefix_space": False,
        "bos_token": "<|startoftext|>",
        "eos_token": "<|endoftext|>",
        "pad_token": args.pad_token,
        "unk_token": "<|endoftext|>",
        "do_lower_case": True,
        "errors": "replace",
        "model_max_length": 77,
        "tokenizer_class": "CLIPTokenizer",
    }
    with open(os.path.join(args.out_dir, "tokenizer_config.json"), "w", encoding="utf-8") as f:
        json.dump(config, f, indent=2)
    print(f"{len(vocab)} tokens ({len(kept)} merges) for {len(words)} words -> {args.out_dir}")


if __name__ == "__main__":
    main()
