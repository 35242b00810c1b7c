#!/usr/bin/env python3
"""Fan-out cells in a notebook, Chorus beside a Python notebook, measured with Jupyter's own client.

Each kernel gets the same job: bind N prompts, send one chat request per prompt with at most C in
flight, keep every answer in a table (Chorus: `%%fanout --over xs --concurrency C`; Python: asyncio
+ aiohttp with a semaphore, one row dict per prompt). Cells are sent back to back, as Run All sends
them, and a cell's wall runs from the moment it becomes the running cell (its request sent and the
cell before it answered) to its execute_reply.

Scenarios (efficiency = ideal / cell wall, ideal = ceil(N/C) x latency):
  S1 first  the first fan-out of a fresh kernel: 2,000 prompts, C=200, answers after 100 ms
  S1 paused the first fan-out of a fresh kernel whose user paused 10 s after the client cell (as a
            presenter does, talking), median over --starts kernels
  S1 again  the same cell again in that kernel, best of three
  S2        10,000 prompts, C=1000, 100 ms
  S3        20,000 prompts, C=64, answered at once: prompts per second of cell wall
  steady    S2 and S3 run --steady times in one fresh kernel: the median of the last three, what a
            kernel that has been used a while gives
  warm-up   what the first cell after the client cell costs while the kernel prepares the first
            fan-out in the background: in a fresh kernel left idle 3 s, 20 `1+1` cells, the client
            cell, then 10 `1+1` cells at once (during) and 10 more after 5 s idle; p50 during / p50
            idle, the median over --starts kernels (goal: at most 2)
  memory    a 100,000-prompt fan-out (C=256, 0 ms) in a fresh kernel: its RSS after the reply
            and --idle seconds later

Usage: fanout_cells.py --delayed URL --fast URL [--starts K] [--steady K] [--idle S] [--no-memory] KERNEL...
  --delayed  a base URL answering chat completions after 100 ms (bench/lib/nginx.sh: /d100/v1)
  --fast     one answering at once (/v1)
  --starts   fresh kernels per kernel for S1 first (median, min, max); default 5
"""
import argparse
import os
import statistics
import sys
import time

from jupyter_client.manager import KernelManager

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "kernel"))
from bench import rss_mib  # noqa: E402  (bench/kernel/bench.py)

PY_SETUP = '''
import asyncio, time, aiohttp
BASE = "{base}"

async def _one(session, sem, i, prompt, rows, t0):
    async with sem:
        start = time.perf_counter()
        row = {{"prompt": prompt, "answer": None, "status": "ok", "error": None}}
        try:
            async with session.post(BASE + "/chat/completions",
                                    json={{"model": "bench", "messages": [{{"role": "user", "content": prompt}}]}},
                                    headers={{"Authorization": "Bearer sk-bench"}}) as r:
                r.raise_for_status()
                body = await r.json(content_type=None)
                row["answer"] = body["choices"][0]["message"]["content"]
                row["prompt_tokens"] = body["usage"]["prompt_tokens"]
                row["completion_tokens"] = body["usage"]["completion_tokens"]
        except Exception as e:
            row["status"], row["error"] = "failed", repr(e)
        end = time.perf_counter()
        row["latency_ms"] = (end - start) * 1000
        row["start_ms"], row["end_ms"] = (start - t0) * 1000, (end - t0) * 1000
        rows[i] = row

async def fanout(prompts, concurrency):
    rows = [None] * len(prompts)
    sem = asyncio.Semaphore(concurrency)
    t0 = time.perf_counter()
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency)) as s:
        await asyncio.gather(*(_one(s, sem, i, p, rows, t0) for i, p in enumerate(prompts)))
    failed = sum(1 for r in rows if r["status"] != "ok")
    print(f"{{len(rows)}} rows, {{failed}} failed in {{time.perf_counter() - t0:.2f}} s")
    return rows
'''


def cells(lang, base, n, c, setup=True):
    """The cells of one fan-out: client setup (when asked), binding the prompts, the fan-out."""
    out = []
    if lang == "java":
        if setup:
            out.append(f"%client --base-url {base} --api-key sk-bench --model bench")
        out.append(f'List<String> xs = java.util.stream.IntStream.range(0, {n})'
                   '.mapToObj(i -> "prompt " + i).toList();')
        # --no-cache: the runs repeat the same prompts, and this measures sending them, not the cache.
        # --yes: the pre-flight line is drawn (nginx is not the embedded sandbox) but nobody is asked.
        out.append(f"%%fanout --over xs --concurrency {c} --no-cache --yes\n{{it}}")
    else:
        if setup:
            out.append(PY_SETUP.format(base=base))
        out.append(f'xs = [f"prompt {{i}}" for i in range({n})]')
        out.append(f"results = await fanout(xs, {c})")
    return out


def run_all(kc, codes, timeout=600):
    """Sends every cell at once, as Run All does; returns each cell's wall (s) from the moment it
    became the running cell to its execute_reply. Stops with the cell's error if one fails."""
    sent = []
    for code in codes:
        sent.append((kc.execute(code), time.perf_counter()))
    replies = {}
    deadline = time.monotonic() + timeout
    while len(replies) < len(sent):
        msg = kc.get_shell_msg(timeout=max(1, deadline - time.monotonic()))
        mid = msg["parent_header"].get("msg_id")
        if any(mid == s[0] for s in sent):
            replies[mid] = (time.perf_counter(), msg["content"])
    walls = []
    previous = 0.0
    for (mid, t_sent), code in zip(sent, codes):
        t_reply, content = replies[mid]
        if content["status"] != "ok":
            raise SystemExit(f"cell failed: {code.splitlines()[0]}: {content.get('ename')}: {content.get('evalue')}")
        walls.append(t_reply - max(t_sent, previous))
        previous = t_reply
    drain(kc)
    return walls


def drain(kc):
    while True:
        try:
            kc.get_iopub_msg(timeout=0.05)
        except Exception:
            return


class Kernel:
    def __init__(self, name):
        self.km = KernelManager(kernel_name=name)
        self.km.start_kernel()
        self.kc = self.km.client()
        self.kc.start_channels()
        self.lang = self.km.kernel_spec.language.lower()
        self.pid = self.km.provisioner.process.pid

    def close(self):
        self.kc.stop_channels()
        # The Java kernel exits through shutdown_request (it writes its class-data archive then);
        # ipykernel is killed, as bench/kernel/bench.py does.
        self.km.shutdown_kernel(now=self.lang != "java")


def efficiency(ideal, wall):
    return ideal / wall if wall > 0 else 0.0


def session(name, args, first_only=False):
    """A fresh kernel: S1 first (Run All from the first cell), then S1 again x3, S2, S3."""
    k = Kernel(name)
    try:
        k.kc.wait_for_ready(timeout=120)
        fig = {}
        walls = run_all(k.kc, cells(k.lang, args.delayed, 2000, 200))
        fig["s1_first"] = efficiency(1.0, walls[-1])
        if first_only:
            return fig
        again = [run_all(k.kc, cells(k.lang, args.delayed, 2000, 200, setup=False))[-1] for _ in range(3)]
        fig["s1_again"] = efficiency(1.0, min(again))
        fig["s2"] = efficiency(1.0, run_all(k.kc, cells(k.lang, args.delayed, 10000, 1000, setup=False))[-1])
        walls = run_all(k.kc, cells(k.lang, args.fast, 20000, 64))
        fig["s3"] = 20000 / walls[-1]
        return fig
    finally:
        k.close()


def paused(name, args):
    """A fresh kernel: the client cell, 10 s of nothing, then the prompts and the fan-out as Run All sends them."""
    k = Kernel(name)
    try:
        k.kc.wait_for_ready(timeout=120)
        codes = cells(k.lang, args.delayed, 2000, 200)
        run_all(k.kc, codes[:1])
        time.sleep(10)
        return efficiency(1.0, run_all(k.kc, codes[1:])[-1])
    finally:
        k.close()


def steady(name, args):
    """A fresh kernel runs the S2 cell, then the S3 cell, K times each: the median of the last three
    is what a kernel that has been used a while gives (the JIT has compiled the path by then)."""
    k = Kernel(name)
    try:
        k.kc.wait_for_ready(timeout=120)
        s2 = [run_all(k.kc, cells(k.lang, args.delayed, 10000, 1000, setup=(i == 0)))[-1] for i in range(args.steady)]
        s3 = [run_all(k.kc, cells(k.lang, args.fast, 20000, 64, setup=(i == 0)))[-1] for i in range(args.steady)]
        return {"s2_steady": efficiency(1.0, statistics.median(s2[-3:])),
                "s3_steady": 20000 / statistics.median(s3[-3:])}
    finally:
        k.close()


def one_plus_one(kc, n):
    code = "1+1"
    walls = []
    for _ in range(n):
        t0 = time.perf_counter()
        kc.execute_interactive(code, timeout=30, output_hook=lambda m: None)
        walls.append(time.perf_counter() - t0)
    return statistics.median(walls)


def warm_up_cost(name, args):
    """p50 of `1+1` cells sent right after the client cell against their p50 once the kernel is idle."""
    k = Kernel(name)
    try:
        k.kc.wait_for_ready(timeout=120)
        time.sleep(3)
        one_plus_one(k.kc, 20)
        run_all(k.kc, cells(k.lang, args.delayed, 1, 1)[:1])
        during = one_plus_one(k.kc, 10)
        time.sleep(5)
        idle = one_plus_one(k.kc, 10)
        return during / idle
    finally:
        k.close()


def memory(name, args):
    k = Kernel(name)
    try:
        k.kc.wait_for_ready(timeout=120)
        run_all(k.kc, cells(k.lang, args.fast, 100000, 256))
        after = rss_mib(k.pid)
        time.sleep(args.idle)
        return {"rss_after": after, "rss_idle": rss_mib(k.pid)}
    finally:
        k.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--delayed", required=True)
    ap.add_argument("--fast", required=True)
    ap.add_argument("--starts", type=int, default=5)
    ap.add_argument("--idle", type=float, default=120)
    ap.add_argument("--no-memory", action="store_true")
    ap.add_argument("--steady", type=int, default=10, help="runs of the S2 and S3 cells in one kernel (0: skip)")
    ap.add_argument("kernels", nargs="+")
    args = ap.parse_args()

    # The server warms up too: a first session, not reported.
    print(f"warming up the server with {args.kernels[0]}", file=sys.stderr, flush=True)
    session(args.kernels[0], args, first_only=True)
    results = {}
    for name in args.kernels:
        print(f"measuring {name}", file=sys.stderr, flush=True)
        runs = [session(name, args, first_only=i > 0) for i in range(args.starts)]
        fig = dict(runs[0])
        firsts = sorted(r["s1_first"] for r in runs)
        fig["s1_first"] = statistics.median(firsts)
        fig["s1_first_range"] = (firsts[0], firsts[-1])
        fig["s1_paused"] = statistics.median(paused(name, args) for _ in range(args.starts))
        fig["warm_up_ratio"] = statistics.median(warm_up_cost(name, args) for _ in range(args.starts))
        if args.steady >= 3:
            fig.update(steady(name, args))
        if not args.no_memory:
            fig.update(memory(name, args))
        results[name] = fig
        print(f"{name}: {fig}", file=sys.stderr, flush=True)

    rows = [
        ("S1 first fan-out of a fresh kernel, efficiency (median of starts, min-max)", "s1_first",
         lambda f: f"{f['s1_first']:.2f} ({f['s1_first_range'][0]:.2f}-{f['s1_first_range'][1]:.2f})"),
        ("S1 first, the user paused 10 s after the client cell, efficiency (median of starts)", "s1_paused",
         lambda f: f"{f['s1_paused']:.2f}"),
        ("S1 again in the same kernel, efficiency (best of 3)", "s1_again", lambda f: f"{f['s1_again']:.2f}"),
        ("`1+1` right after the client cell, p50 / its idle p50 (median of starts)", "warm_up_ratio",
         lambda f: f"{f['warm_up_ratio']:.2f}"),
        ("S2 10,000 prompts C=1000, efficiency", "s2", lambda f: f"{f['s2']:.2f}"),
        ("S3 20,000 prompts C=64 0 ms, prompts/s of cell wall", "s3", lambda f: f"{f['s3']:,.0f}"),
        (f"S2 at a kernel's runs {args.steady - 2}-{args.steady} of it, efficiency (median)", "s2_steady",
         lambda f: f"{f['s2_steady']:.2f}"),
        (f"S3 at a kernel's runs {args.steady - 2}-{args.steady} of it, prompts/s (median)", "s3_steady",
         lambda f: f"{f['s3_steady']:,.0f}"),
        ("RSS after a 100,000-prompt fan-out, MiB", "rss_after", lambda f: f"{f['rss_after']:.0f}"),
        (f"RSS {args.idle:.0f} s later, MiB", "rss_idle", lambda f: f"{f['rss_idle']:.0f}"),
    ]
    print("| figure | " + " | ".join(args.kernels) + " |")
    print("|---|" + "---|" * len(args.kernels))
    for label, key, fmt in rows:
        if all(key in results[n] for n in args.kernels):
            print(f"| {label} | " + " | ".join(fmt(results[n]) for n in args.kernels) + " |")


if __name__ == "__main__":
    main()
