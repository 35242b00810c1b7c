#!/usr/bin/env python3
"""What the response cache costs and saves, measured in the Chorus kernel with Jupyter's own client.

  C1  a fully cached re-run: 10,000 prompts (C=64) answered at once, run, then run again three
      times; the figure is the median cell wall of the re-runs (goal: at most 1 s)
  C2  S1's shape (2,000 prompts, C=200, answers after 100 ms) in a warm kernel: the same fan-out
      with an empty cache (new prompts each run, so every answer is looked up, missed, sent and
      written) and with --no-cache, alternately, --runs times each; the figure is the ratio of
      the medians (goal: at most 1.05)

Cells are sent back to back, as Run All sends them (see bench/notebook/fanout_cells.py).
Usage: cache_cells.py --delayed URL --fast URL [--runs K]
"""
import argparse
import os
import statistics
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "notebook"))
from fanout_cells import Kernel, drain, run_all  # noqa: E402


def bind(n, tag):
    return (f'List<String> xs = java.util.stream.IntStream.range(0, {n})'
            f'.mapToObj(i -> "prompt " + i + " {tag}").toList();')


def c1(args):
    k = Kernel("chorus")
    try:
        walls = run_all(k.kc, [f"%client --base-url {args.fast} --api-key sk-bench --model bench", bind(10_000, "c1"),
                               "%%fanout --over xs --concurrency 64 --yes\n{it}"] + ["%%fanout --over xs --concurrency 64 --yes\n{it}"] * 3)
        return walls[2], statistics.median(walls[3:])
    finally:
        k.close()


def c2(args):
    k = Kernel("chorus")
    try:
        run_all(k.kc, [f"%client --base-url {args.delayed} --api-key sk-bench --model bench", bind(2_000, "warm"),
                       "%%fanout --over xs --concurrency 200 --no-cache --yes\n{it}"] * 1)
        cached, plain = [], []
        for r in range(args.runs):
            walls = run_all(k.kc, [bind(2_000, f"run {r}"), "%%fanout --over xs --concurrency 200 --yes\n{it}",
                                   bind(2_000, f"plain {r}"), "%%fanout --over xs --concurrency 200 --no-cache --yes\n{it}"])
            cached.append(walls[1])
            plain.append(walls[3])
        return statistics.median(cached), statistics.median(plain), cached, plain
    finally:
        k.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--delayed", required=True)
    ap.add_argument("--fast", required=True)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    first, again = c1(args)
    print(f"C1 10,000 prompts: first run {first:.2f} s; fully cached re-run {again:.3f} s (median of 3; goal <= 1 s)")
    cached, plain, cs, ps = c2(args)
    print(f"C2 S1 shape, warm: empty cache {cached:.3f} s, --no-cache {plain:.3f} s (medians of {args.runs}): "
          f"ratio {cached / plain:.3f} (goal <= 1.05)")
    print("   empty cache: " + " ".join(f"{w:.3f}" for w in cs))
    print("   --no-cache:  " + " ".join(f"{w:.3f}" for w in ps))


if __name__ == "__main__":
    main()
