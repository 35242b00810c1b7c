"""One %%fanout --batch cell of N prompts in a fresh Chorus kernel, against `chorus sandbox` started
here in a process of its own (its memory is not the kernel's). Prints the cell's wall, the ideal
N / rate, the goal 1.2 x ideal + 60 s, the kernel's peak VmRSS while the cell ran (sampled every
0.2 s) and after it, and how the rows ended."""
import argparse
import os
import re
import subprocess
import sys
import time

from jupyter_client.manager import start_new_kernel

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "kernel"))
from bench import rss_mib  # noqa: E402  (bench/kernel/bench.py)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--chorus", required=True)
    ap.add_argument("-n", type=int, default=1_000_000)
    ap.add_argument("--rate", type=int, default=50_000)
    args = ap.parse_args()
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
        km, kc = start_new_kernel(kernel_name="chorus", startup_timeout=120)
        pid = km.provisioner.process.pid
        for code in ["%client --base-url " + url + " --api-key sk-bench --model default",
                     f'List<String> xs = java.util.stream.IntStream.range(0, {args.n}).mapToObj(i -> "prompt number " + i + " about a topic").toList();']:
            reply = kc.execute_interactive(code, timeout=300, output_hook=lambda m: None)
            assert reply["content"]["status"] == "ok", reply["content"]
        before = rss_mib(pid)
        start = time.monotonic()
        msg_id = kc.execute("%%fanout --over xs --batch --yes --no-cache --out big\n{it}")
        peak = before
        while True:
            try:
                reply = kc.get_shell_msg(timeout=0.2)
                if reply["parent_header"].get("msg_id") == msg_id:
                    break
            except Exception:
                pass
            peak = max(peak, rss_mib(pid))
        wall = time.monotonic() - start
        assert reply["content"]["status"] == "ok", reply["content"]
        outcome = kc.execute_interactive('big.stringColumn("status").countOccurrences("ok") + " ok, "'
                                         ' + big.stringColumn("it").unique().size() + " distinct rows of " + big.rowCount()',
                                         timeout=120, output_hook=lambda m: m["msg_type"] == "execute_result"
                                         and print("rows:", m["content"]["data"]["text/plain"]))
        ideal = args.n / args.rate
        print(f"N={args.n:,} rate={args.rate:,}/s: cell wall {wall:.1f} s, ideal {ideal:.1f} s, "
              f"goal <= {1.2 * ideal + 60:.1f} s ({'met' if wall <= 1.2 * ideal + 60 else 'not met'})")
        print(f"kernel VmRSS: {before:.0f} MiB before the cell, peak {peak:.0f} MiB during it, {rss_mib(pid):.0f} MiB after"
              f" (goal <= 1024: {'met' if peak <= 1024 else 'not met'})")
    finally:
        if kc is not None:
            kc.stop_channels()
        if km is not None:
            km.shutdown_kernel(now=True)
        sandbox.terminate()
        sandbox.wait(10)


if __name__ == "__main__":
    main()
