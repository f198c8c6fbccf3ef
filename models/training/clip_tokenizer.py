"""CLIP's byte-level BPE tokenizer (same algorithm as openai/CLIP simple_tokenizer), over vocab.json + merges.txt.

Written from the algorithm description so the C# tokenizer can mirror it line by line:
clean whitespace + lower-case, split with CLIP's pre-token regex, map UTF-8 bytes to printable unicode,
merge adjacent symbols by lowest merge rank (the last symbol of a word carries "</w>"), then wrap in
BOS/EOS, truncate to 77 and pad with the pad token (EOS for our model).
"""
import json
import os
import re

# CLIP uses \p{L} / \p{N}; Python's re has no \p classes, so letters are "word chars that are not digits or _",
# numbers are decimal digits, and "other" is any run of non-space chars that are neither (underscore included).
_PRETOKEN = re.compile(
    r"<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[^\W\d_]+|\d|(?:[^\w\s]|_)+",
    re.IGNORECASE,
)


def bytes_to_unicode():
    """GPT-2/CLIP table: every byte maps to a printable unicode char (printable latin-1 bytes map to themselves)."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, [chr(c) for c in cs]))


class ClipTokenizer:
    def __init__(self, directory, max_length=77, pad_token="<|endoftext|>"):
        with open(os.path.join(directory, "vocab.json"), encoding="utf-8") as f:
            self.encoder = json.load(f)
        with open(os.path.join(directory, "merges.txt"), encoding="utf-8") as f:
            lines = f.read().splitlines()[1:]
        merges = [tuple(l.split()) for l in lines if l.strip()]
        # A full CLIP merges.txt holds more merges than CLIP uses; CLIP keeps the first 49152-256-2.
        merges = merges[: 49152 - 256 - 2]
        self.ranks = {m: i for i, m in enumerate(merges)}
        self.byte_encoder = bytes_to_unicode()
        self.bos = self.encoder["<|startoftext|>"]
        self.eos = self.encoder["<|endoftext|>"]
        self.pad = self.encoder[pad_token]
        self.max_length = max_length
        self.cache = {"<|startoftext|>": ["<|startoftext|>"], "<|endoftext|>": ["<|endoftext|>"]}

    def bpe(self, token):
        if token in self.cache:
            return self.cache[token]
        parts = list(token[:-1]) + [token[-1] + "</w>"]
        while len(parts) > 1:
            best, best_rank = None, None
            for i in range(len(parts) - 1):
                r = self.ranks.get((parts[i], parts[i + 1]))
                if r is not None and (best_rank is None or r < best_rank):
                    best, best_rank = (parts[i], parts[i + 1]), r
            if best is None:
                break
            merged, i = [], 0
            while i < len(parts):
                if i < len(parts) - 1 and (parts[i], parts[i + 1]) == best:
                    merged.append(parts[i] + parts[i + 1])
                    i += 2
                else:
                    merged.append(parts[i])
                    i += 1
            parts = merged
        self.cache[token] = parts
        return parts

    def encode(self, text):
        """Ids without BOS/EOS, untruncated."""
        text = re.sub(r"\s+", " ", text).strip().lower()
        ids = []
        for piece in _PRETOKEN.findall(text):
            token = "".join(self.byte_encoder[b] for b in piece.encode("utf-8"))
            ids.extend(self.encoder[p] for p in self.bpe(token))
        return ids

    def __call__(self, text):
        """BOS + ids + EOS, truncated to max_length (EOS kept last), padded with the pad token."""
        ids = [self.bos] + self.encode(text)[: self.max_length - 2] + [self.eos]
        return ids + [self.pad] * (self.max_length - len(ids))
