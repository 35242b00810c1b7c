#!/usr/bin/env python3
"""Kernel speed and memory, measured with Jupyter's own client.

For each kernel name given: cold start to the first execute_reply (a fresh kernel per run),
warm `1+1` round trip p50, completion p50, and the kernel process's RSS right after start.
Kernels are measured in one run, so compare them as ratios.

Usage: bench.py [--starts N] [--rounds N] KERNEL_NAME [KERNEL_NAME...]
"""
import argparse
import statistics
import sys
import time

from jupyter_client.manager import KernelManager

CODE = {"java": ("1+1", "Math.ma"), "python": ("1+1", "import o")}


def lang_of(km):
    return km.kernel_spec.language.lower()


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def first_reply(name):
    """Seconds from asking Jupyter for a kernel to the first execute_reply; the kernel stays up."""
    t0 = time.perf_counter()
    km = KernelManager(kernel_name=name)
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    code = CODE[lang_of(km)][0]
    while True:  # execute as soon as the shell answers, as a notebook's first cell does
        msg_id = kc.execute(code)
        try:
            reply = kc.get_shell_msg(timeout=30)
        except Exception:
            continue
        if reply["parent_header"].get("msg_id") == msg_id:
            check(name, code, reply, "status")
            break
    return time.perf_counter() - t0, km, kc


def stop(km, kc):
    """The Java kernel gets a shutdown_request, as Jupyter sends on shutdown and restart: the JVM exits
    normally and writes its class-data-sharing archive, which the next cold start maps (a kill would skip
    that). ipykernel has nothing to write and is killed: after graceful shutdowns, the Debian ipykernel
    6.17 on the build machine stalled a later execute_interactive past its timeout."""
    java = lang_of(km) == "java"
    kc.stop_channels()
    km.shutdown_kernel(now=not java)


def check(name, code, reply, key):
    """A figure counts only replies that did the work: status ok, and for a completion, matches."""
    content = reply["content"]
    if content.get("status") != "ok" or not content.get(key):
        sys.exit(f"{name}: {code!r} got {content}")


def p50(samples):
    return statistics.median(samples) * 1000


def bench(name, starts, rounds):
    print(f"benchmarking {name}", file=sys.stderr, flush=True)
    colds, rss = [], []
    for _ in range(starts):
        seconds, km, kc = first_reply(name)
        colds.append(seconds)
        time.sleep(0.5)
        rss.append(rss_mib(km.provisioner.process.pid))
        stop(km, kc)
    seconds, km, kc = first_reply(name)
    # A client that sent its first execute_request before its iopub subscription reached the kernel can
    # miss every iopub message after it (seen with Debian's ipykernel 6.17: execute_interactive then
    # waited for an idle status that never came); kernel_info until iopub answers, as Jupyter does.
    kc.wait_for_ready(timeout=60)
    code, completion = CODE[lang_of(km)]
    for _ in range(20):  # warm-up
        kc.execute_interactive(code, timeout=30, output_hook=lambda m: None)
    warm = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        reply = kc.execute_interactive(code, timeout=30, output_hook=lambda m: None)
        warm.append(time.perf_counter() - t0)
        check(name, code, reply, "status")
    comp = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        reply = kc.complete(completion, len(completion), reply=True, timeout=30)
        comp.append(time.perf_counter() - t0)
        check(name, completion, reply, "matches")
    stop(km, kc)
    return {
        "cold_start_s": statistics.median(colds),
        "warm_1plus1_p50_ms": p50(warm),
        "completion_p50_ms": p50(comp),
        "rss_after_start_mib": statistics.median(rss),
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--starts", type=int, default=5)
    ap.add_argument("--rounds", type=int, default=200)
    ap.add_argument("kernels", nargs="+")
    args = ap.parse_args()
    results = {k: bench(k, args.starts, args.rounds) for k in args.kernels}
    keys = list(next(iter(results.values())))
    print("| figure | " + " | ".join(args.kernels) + " |")
    print("|---|" + "---|" * len(args.kernels))
    for key in keys:
        print(f"| {key} | " + " | ".join(f"{results[k][key]:.2f}" for k in args.kernels) + " |")


if __name__ == "__main__":
    main()
