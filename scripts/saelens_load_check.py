#!/usr/bin/env python3
"""Reads SAE folders with SAELens's own SAE.load_from_disk, to check that what the lab writes is a
SAELens folder (cfg.json, sae_weights.safetensors) that SAELens loads with its hook name.

SAELens is not on the machine's wheel mirror, so it is imported from a source tree of
jbloomAus/SAELens (e.g. tag v6.18.0: `git archive v6.18.0 sae_lens | tar -x -C SRC`). Only the
SAE classes are needed: the top-level package is registered as a bare namespace so that
sae_lens/__init__.py (training runner, datasets, ...) never runs, and the two architectures the lab
writes are registered as that __init__ registers them. Needs torch, transformers and
transformer_lens (e.g. the peers venv of ../shared/scripts/peers/setup.sh).

    python saelens_load_check.py SRC SAE_DIR [SAE_DIR ...]

Prints, per folder, the class SAELens built, its hook name, d_in, d_sae, k, and the mean L0 of
encode() on 4 seeded random inputs. Exit 1 if a folder does not load.
"""
import logging
import sys
import types


def main() -> int:
    src, folders = sys.argv[1], sys.argv[2:]
    package = types.ModuleType("sae_lens")
    package.__path__ = [src + "/sae_lens"]
    package.__version__ = "6.18.0"
    package.logger = logging.getLogger("sae_lens")
    sys.modules["sae_lens"] = package

    import torch
    from sae_lens.registry import register_sae_class
    from sae_lens.saes import StandardSAE, StandardSAEConfig, TopKSAE, TopKSAEConfig
    from sae_lens.saes.sae import SAE

    register_sae_class("standard", StandardSAE, StandardSAEConfig)
    register_sae_class("topk", TopKSAE, TopKSAEConfig)
    failed = 0
    for folder in folders:
        try:
            sae = SAE.load_from_disk(folder, device="cpu")
        except Exception as e:  # report every folder, not only the first failure
            print(f"{folder}: SAELens could not load it: {e}")
            failed += 1
            continue
        x = torch.randn(4, sae.cfg.d_in, generator=torch.Generator().manual_seed(0))
        l0 = (sae.encode(x) > 0).sum(-1).float().mean().item()
        print(f"{folder}: {type(sae).__name__} hook_name={sae.cfg.metadata.hook_name} d_in={sae.cfg.d_in}"
              f" d_sae={sae.cfg.d_sae} k={getattr(sae.cfg, 'k', None)} L0(random)={l0:.1f}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
