#!/usr/bin/env python3
"""Apply a SAELens-format SAE with plain numpy (no torch, no safetensors package) to activations
exported by `harness cache`, and print explained variance, MSE and L0.

    scripts/harness cache --model data/models/toy --text "..." --prepend-bos \
        --names 'blocks\\.1\\.hook_resid_pre' --out acts.safetensors
    scripts/sae_numpy_check.py SAE_DIR acts.safetensors [more.safetensors ...] [--skip-first]

Explained variance = 1 - sum|x - x_hat|^2 / sum|x - mean(x)|^2 over every token and dimension
(mean per dimension over the tokens), as the lab computes it.
"""
import json
import struct
import sys

import numpy as np

DTYPES = {"F32": np.float32, "F64": np.float64, "F16": np.float16, "I64": np.int64}


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    out = {}
    for name, t in header.items():
        if name == "__metadata__":
            continue
        start, end = t["data_offsets"]
        out[name] = np.frombuffer(data[8 + n + start:8 + n + end], dtype=DTYPES[t["dtype"]]).reshape(t["shape"])
    return out


def encode(cfg, w, x):
    pre = (x - w["b_dec"] if cfg.get("apply_b_dec_to_input", True) else x) @ w["W_enc"] + w["b_enc"]
    norms = np.linalg.norm(w["W_dec"], axis=1)
    if cfg.get("rescale_acts_by_decoder_norm", False):
        pre = pre * norms
    if cfg["architecture"] == "topk":
        k = cfg["k"]
        kth = np.sort(pre, axis=-1)[..., -k][..., None]
        f = np.where(pre >= kth, np.maximum(pre, 0), 0)
    else:
        f = np.maximum(pre, 0)
    return f, norms


def decode(cfg, w, f, norms):
    if cfg.get("rescale_acts_by_decoder_norm", False):
        f = f / norms
    return f @ w["W_dec"] + w["b_dec"]


def main(argv):
    skip_first = "--skip-first" in argv
    args = [a for a in argv if a != "--skip-first"]
    sae_dir, files = args[0], args[1:]
    cfg = json.load(open(f"{sae_dir}/cfg.json"))
    w = {k: v.astype(np.float64) for k, v in read_safetensors(f"{sae_dir}/sae_weights.safetensors").items()}
    hook = cfg["metadata"]["hook_name"]
    rows = []
    for path in files:
        a = read_safetensors(path)[hook].astype(np.float64)
        a = a.reshape(a.shape[0], a.shape[1], -1)[0]
        rows.append(a[1:] if skip_first else a)
    x = np.concatenate(rows)
    f, norms = encode(cfg, w, x)
    x_hat = decode(cfg, w, f, norms)
    ev = 1 - ((x - x_hat) ** 2).sum() / ((x - x.mean(axis=0)) ** 2).sum()
    print(json.dumps({"hook": hook, "tokens": int(x.shape[0]), "explained_variance": float(ev),
                      "mse": float(((x - x_hat) ** 2).mean()), "l0": float((f > 0).sum(axis=1).mean())}))


if __name__ == "__main__":
    main(sys.argv[1:])
