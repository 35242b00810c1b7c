#!/usr/bin/env python3
"""A notebook's memory across fan-outs, measured with Jupyter's own client.

For each kernel name given: a fresh kernel runs `%client` against BASE_URL, binds a list of N
prompts, then runs `%%fanout --over xs --concurrency C` ROUNDS times. Prints the kernel process's
RSS after start and after each fan-out, and each fan-out cell's wall time (execute request to
idle, the table and chart included). A first session, not reported, warms the server up.

Usage: fanout.py --base-url URL [--n N] [--concurrency C] [--rounds R] KERNEL_NAME [KERNEL_NAME...]
"""
import argparse
import os
import time

from jupyter_client.manager import KernelManager

from bench import rss_mib  # bench.py beside this file


def run_cell(kc, code, timeout):
    errors = []

    def hook(msg):
        if msg["msg_type"] == "error":
            errors.append(f"{msg['content']['ename']}: {msg['content']['evalue']}")

    t = time.monotonic()
    reply = kc.execute_interactive(code, output_hook=hook, timeout=timeout)
    if reply["content"]["status"] != "ok" or errors:
        raise SystemExit(f"cell failed: {code.splitlines()[0]}: {errors or reply['content']}")
    return time.monotonic() - t


def measure(name, args):
    km = KernelManager(kernel_name=name)
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=60)
        pid = km.provisioner.process.pid
        row = {"rss_after_start_mib": rss_mib(pid)}
        run_cell(kc, f"%client --base-url {args.base_url} --api-key sk-bench --model bench --retries 0", 60)
        run_cell(kc, f'List<String> xs = java.util.stream.IntStream.range(0, {args.n})'
                     '.mapToObj(i -> "prompt " + i).toList();', 60)
        for r in range(args.rounds):
            wall = run_cell(kc, f"%%fanout --over xs --concurrency {args.concurrency}\n{{it}}", 600)
            row[f"fanout_{r + 1}_s"] = wall
            row[f"rss_after_fanout_{r + 1}_mib"] = rss_mib(pid)
        return row
    finally:
        kc.stop_channels()
        km.shutdown_kernel()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--base-url", required=True)
    ap.add_argument("--n", type=int, default=20000)
    ap.add_argument("--concurrency", type=int, default=1000)
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("kernels", nargs="+")
    args = ap.parse_args()
    # The server's JVM warms up too: a first session, not reported, so the first kernel measured
    # does not pay for it.
    print(f"warming up the server with {args.kernels[0]}", flush=True)
    measure(args.kernels[0], argparse.Namespace(**{**vars(args), "rounds": 2}))
    rows = {}
    for name in args.kernels:
        print(f"measuring {name}", flush=True)
        rows[name] = measure(name, args)
    keys = list(next(iter(rows.values())).keys())
    print("| figure | " + " | ".join(args.kernels) + " |")
    print("|---|" + "---|" * len(args.kernels))
    for k in keys:
        print(f"| {k} | " + " | ".join(f"{rows[n][k]:.2f}" for n in args.kernels) + " |")


if __name__ == "__main__":
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    main()
