"""One %%fanout --batch cell of N prompts in a fresh Chorus kernel, against `chorus sandbox` started
here in a process of its own (its memory is not the kernel's). Prints the cell's wall, the ideal
N / rate, the goal 1.2 x ideal + 60 s, the kernel's peak VmRSS while the cell ran (sampled every
0.2 s) and after it, and how the rows ended.

With --kill-at K, a second round runs the same cell, kills its kernel (SIGKILL) once the sandbox
holds K of the cell's batches (mid-submission: some parts created, the rest not), starts a fresh
kernel and runs the cell again: it must re-attach to those batches, submit the rest, and end with
every row once, none submitted twice (the cell's batches hold N requests in all)."""
import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request

from jupyter_client.manager import start_new_kernel

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "kernel"))
from bench import rss_mib  # noqa: E402  (bench/kernel/bench.py)

CELL = "%%fanout --over xs --batch --yes --no-cache --out big\n{it}"


def kernel(url, n):
    """A fresh kernel with the client set and xs bound to n prompts."""
    km, kc = start_new_kernel(kernel_name="chorus", startup_timeout=120)
    for code in ["%client --base-url " + url + " --api-key sk-bench --model default",
                 f'List<String> xs = java.util.stream.IntStream.range(0, {n}).mapToObj(i -> "prompt number " + i + " about a topic").toList();']:
        reply = kc.execute_interactive(code, timeout=300, output_hook=lambda m: None)
        assert reply["content"]["status"] == "ok", reply["content"]
    return km, kc


def run_cell(km, kc, kill_at=None):
    """Runs the cell; returns (wall, rss before, peak rss, reply or None when killed).
    kill_at: (url, batches before, K) to kill the kernel once the sandbox holds K more batches."""
    pid = km.provisioner.process.pid
    before = rss_mib(pid)
    start = time.monotonic()
    msg_id = kc.execute(CELL)
    peak = before
    while True:
        if kill_at is not None and batches(kill_at[0])[0] - kill_at[1] >= kill_at[2]:
            os.kill(pid, signal.SIGKILL)
            return time.monotonic() - start, before, peak, None
        try:
            reply = kc.get_shell_msg(timeout=0.2)
            if reply["parent_header"].get("msg_id") == msg_id:
                break
        except Exception:
            pass
        peak = max(peak, rss_mib(pid))
    return time.monotonic() - start, before, peak, reply


def rows(kc):
    out = []
    kc.execute_interactive('big.stringColumn("status").countOccurrences("ok") + " ok, "'
                           ' + big.stringColumn("it").unique().size() + " distinct rows of " + big.rowCount()',
                           timeout=120, output_hook=lambda m: m["msg_type"] == "execute_result"
                           and out.append(m["content"]["data"]["text/plain"]))
    return out[0] if out else "?"


def batches(url):
    """The sandbox's batches: how many, and the requests they hold in all."""
    data, after = [], None
    while True:
        with urllib.request.urlopen(url + "/batches?limit=100" + (f"&after={after}" if after else ""), timeout=30) as r:
            page = json.load(r)
        data += page["data"]
        if not page.get("has_more") or not page["data"]:
            return len(data), sum(b["request_counts"]["total"] for b in data)
        after = page["data"][-1]["id"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--chorus", required=True)
    ap.add_argument("-n", type=int, default=1_000_000)
    ap.add_argument("--rate", type=int, default=50_000)
    ap.add_argument("--kill-at", type=int, default=None)
    args = ap.parse_args()
    ideal = args.n / args.rate
    goal = 1.2 * ideal + 60
    sandbox = subprocess.Popen([args.chorus, "sandbox", "--batch-rate", str(args.rate), "--no-auth"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    km = kc = None
    try:
        url = None
        while url is None:
            line = sandbox.stdout.readline()
            if not line:
                raise SystemExit("chorus sandbox did not start")
            m = re.search(r"listening on (http://\S+/v1)", line)
            url = m.group(1) if m else None
        km, kc = kernel(url, args.n)
        wall, before, peak, reply = run_cell(km, kc)
        assert reply["content"]["status"] == "ok", reply["content"]
        print("rows:", rows(kc))
        print(f"N={args.n:,} rate={args.rate:,}/s: cell wall {wall:.1f} s, ideal {ideal:.1f} s, "
              f"goal <= {goal:.1f} s ({'met' if wall <= goal else 'not met'})")
        print(f"kernel VmRSS: {before:.0f} MiB before the cell, peak {peak:.0f} MiB during it, "
              f"{rss_mib(km.provisioner.process.pid):.0f} MiB after (goal <= 1024: {'met' if peak <= 1024 else 'not met'})")
        if args.kill_at is None:
            return
        kc.stop_channels()
        km.shutdown_kernel(now=True)
        kc = km = None
        first = batches(url)
        # The same cell in a kernel killed mid-run, then once more in a fresh kernel. The first round's
        # state file goes, so that the cell submits anew.
        shutil.rmtree(os.path.join(os.environ["XDG_CACHE_HOME"], "chorus", "batches"))
        km, kc = kernel(url, args.n)
        killed_at, _, _, _ = run_cell(km, kc, kill_at=(url, first[0], args.kill_at))
        kc.stop_channels()
        km.shutdown_kernel(now=True)
        km = kc = None
        at_kill = batches(url)
        km, kc = kernel(url, args.n)
        wall2, before2, peak2, reply = run_cell(km, kc)
        assert reply["content"]["status"] == "ok", reply["content"]
        after = batches(url)
        print(f"killed the kernel {killed_at:.1f} s into the cell, when it had created {at_kill[0] - first[0]} batches;"
              f" a fresh kernel ran the cell again in {wall2:.1f} s, peak VmRSS {peak2:.0f} MiB")
        print("rows:", rows(kc))
        print(f"batches of this cell on the server: {after[0] - first[0]}, holding {after[1] - first[1]:,} requests"
              f" for {args.n:,} rows ({'none submitted twice' if after[1] - first[1] == args.n else 'NOT once each'})")
    finally:
        if kc is not None:
            kc.stop_channels()
        if km is not None:
            km.shutdown_kernel(now=True)
        sandbox.terminate()
        sandbox.wait(10)


if __name__ == "__main__":
    main()
