"""Warm start from an exported model folder: recover PyTorch parameters from its ONNX graphs.

The exported graphs rename some parameters (Linear weights become transposed MatMul initializers, GroupNorm affine
parameters become Mul/Add constants of shape [C,1,1]). To map them back, the same module is exported once with every
parameter set to distinct random values; each initializer of that probe export is then matched to the parameter whose
values it holds (as is, transposed or reshaped), and the same-named initializer of the real export is loaded there.
"""
import io
import json
import os

import numpy as np
import onnx
import torch
from onnx import numpy_helper


def _initializers(model_bytes_or_path):
    m = onnx.load(model_bytes_or_path)
    return [(i.name, numpy_helper.to_array(i)) for i in m.graph.initializer]


def _match(arr, params):
    for name, p in params.items():
        if arr.size != p.size:
            continue
        if arr.shape == p.shape and np.array_equal(arr, p):
            return name, lambda a: a
        if arr.ndim == 2 and p.ndim == 2 and arr.shape == p.shape[::-1] and np.array_equal(arr.T, p):
            return name, lambda a: a.T
        if np.array_equal(arr.reshape(-1), p.reshape(-1)):
            shape = p.shape
            return name, lambda a, s=shape: a.reshape(s)
    return None, None


def load_from_onnx(module, path, example_args, input_names, output_names, dynamic_axes, rename=None):
    """Load the parameters of `module` from the ONNX file at `path` (exported from the same architecture).
    rename: optional {param_name: fn(real_array) -> array} for parameters whose shape changed (e.g. a vocabulary).
    Returns (loaded names, missing names)."""
    torch.manual_seed(0)
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(torch.randn_like(p))
    probe = io.BytesIO()
    with torch.no_grad():
        torch.onnx.export(module, example_args, probe, input_names=input_names, output_names=output_names,
                          dynamic_axes=dynamic_axes, opset_version=17, do_constant_folding=True)
    probe_init = _initializers(io.BytesIO(probe.getvalue()))
    params = {n: p.detach().numpy().copy() for n, p in module.named_parameters()}
    real = _initializers(path)
    # The same architecture exported the same way lists its initializers in the same order (names of renamed
    # constants carry node numbers, which need not agree); fall back to names where the counts differ.
    by_order = len(real) == len(probe_init) and all(a.shape == b.shape or rename for (_, a), (_, b) in zip(real, probe_init))
    real_by_name = dict(real)
    state = module.state_dict()
    loaded = set()
    for k, (name, arr) in enumerate(probe_init):
        target, fn = _match(arr, params)
        source = real[k][1] if by_order else real_by_name.get(name)
        if target is None or target in loaded or source is None:
            continue
        value = fn(source)
        if rename and target in rename:
            value = rename[target](value)
        if tuple(value.shape) != tuple(state[target].shape):
            continue
        state[target] = torch.from_numpy(np.ascontiguousarray(value)).to(state[target].dtype)
        loaded.add(target)
    module.load_state_dict(state)
    return sorted(loaded), sorted(set(params) - loaded)


def remap_vocabulary(old_tokenizer_dir, new_encoder, std=0.02, seed=0):
    """fn(old_embedding [V_old, D]) -> new embedding [V_new, D]: rows copied by token string, new tokens random."""
    old = json.load(open(os.path.join(old_tokenizer_dir, "vocab.json"), encoding="utf-8"))

    def fn(emb):
        rng = np.random.default_rng(seed)
        out = rng.normal(0, std, (len(new_encoder), emb.shape[1])).astype(emb.dtype)
        for tok, i in new_encoder.items():
            if tok in old and old[tok] < emb.shape[0]:
                out[i] = emb[old[tok]]
        return out

    return fn


# The exact export settings of export.py, per graph: (input names, output names, dynamic axes).
GRAPHS = {
    "text_encoder": (["input_ids"], ["last_hidden_state", "pooler_output"],
                     {"input_ids": {0: "batch", 1: "sequence"}, "last_hidden_state": {0: "batch", 1: "sequence"},
                      "pooler_output": {0: "batch"}}),
    "vae_encoder": (["sample"], ["latent_sample"],
                    {"sample": {0: "batch", 2: "height", 3: "width"}, "latent_sample": {0: "batch", 2: "height", 3: "width"}}),
    "vae_decoder": (["latent_sample"], ["sample"],
                    {"latent_sample": {0: "batch", 2: "height", 3: "width"}, "sample": {0: "batch", 2: "height", 3: "width"}}),
    "unet": (["sample", "timestep", "encoder_hidden_states"], ["out_sample"],
             {"sample": {0: "batch", 2: "height", 3: "width"}, "timestep": {0: "batch"},
              "encoder_hidden_states": {0: "batch", 1: "sequence"}, "out_sample": {0: "batch", 2: "height", 3: "width"}}),
}
