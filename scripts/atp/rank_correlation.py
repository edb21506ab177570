#!/usr/bin/env python3
"""Spearman rank correlation, over conditions, of two runs' per-condition means (summary.json).

    scripts/atp/rank_correlation.py RUN_ESTIMATE RUN_EXACT [--metric patch_score] [--direction clean_to_corrupt]
        [--zero-below 1e-6] [--json]

Made for attribution_patch (the estimate) against activation_patch (the exact patches) with the
same parameters: conditions are paired by their condition columns; a condition in one run only is
an error. Ties get their average rank. Means below --zero-below in magnitude count as 0 in both
runs: where clean and corrupt activations are equal (a position before the corrupted token) the
estimate is exactly 0 but the batched exact forward leaves float32 noise (~1e-8), and ranking that
noise against a block of exact zeros would measure nothing but rounding. Standard library only.
"""
import argparse
import json
import math
import sys
from pathlib import Path


def means(run: Path, metric: str, direction: str) -> dict:
    summary = json.loads((run / "summary.json").read_text())
    out = {}
    for row in summary["rows"]:
        cond = row["condition"]
        if row["metric"] != metric or cond.get("direction", direction) != direction or row["mean"] is None:
            continue
        out[json.dumps(cond, sort_keys=True)] = row["mean"]
    if not out:
        sys.exit(f"error: {run}/summary.json has no '{metric}' rows for direction {direction}")
    return out


def ranks(values: list) -> list:
    order = sorted(range(len(values)), key=lambda i: values[i])
    r = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            r[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return r


def pearson(a: list, b: list) -> float:
    ma, mb = sum(a) / len(a), sum(b) / len(b)
    cov = sum((x - ma) * (y - mb) for x, y in zip(a, b))
    va = sum((x - ma) ** 2 for x in a)
    vb = sum((y - mb) ** 2 for y in b)
    return cov / math.sqrt(va * vb) if va > 0 and vb > 0 else float("nan")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("estimate", type=Path)
    p.add_argument("exact", type=Path)
    p.add_argument("--metric", default="patch_score")
    p.add_argument("--direction", default="clean_to_corrupt")
    p.add_argument("--zero-below", type=float, default=1e-6,
                   help="|mean| below this counts as 0 (default 1e-6; 0 ranks raw values)")
    p.add_argument("--json", action="store_true")
    args = p.parse_args()
    est = means(args.estimate, args.metric, args.direction)
    ex = means(args.exact, args.metric, args.direction)
    if est.keys() != ex.keys():
        only = sorted(set(est) ^ set(ex))[:3]
        sys.exit(f"error: the runs' conditions differ (e.g. {only}); run both with the same experiment parameters")
    keys = sorted(est)
    a = [0.0 if abs(est[k]) < args.zero_below else est[k] for k in keys]
    b = [0.0 if abs(ex[k]) < args.zero_below else ex[k] for k in keys]
    result = {"metric": args.metric, "direction": args.direction, "conditions": len(keys), "zero_below": args.zero_below,
              "spearman": pearson(ranks(a), ranks(b)), "pearson": pearson(a, b)}
    if args.json:
        print(json.dumps(result))
    else:
        print(f"{args.metric} ({args.direction}), {len(keys)} conditions (|mean| < {args.zero_below:g} as 0):"
              f" Spearman {result['spearman']:.4f}, Pearson {result['pearson']:.4f}")


if __name__ == "__main__":
    main()
