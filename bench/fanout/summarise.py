"""Summarises a fan-out client's output (RESULT and INFO lines on stdin) in one line per scenario.

With several rounds: wall_s is the median, ok and err are summed over the rounds, INFO is the
median round's (the lower middle one for an even count). Used by run-all.
Arguments: NAME SERVER N C LATENCY_S GOAL; ideal = ceil(N/C) x latency.
"""
import math, re, statistics, sys
name, server, n, c, latency, goal = sys.argv[1:7]
ideal = math.ceil(int(n) / int(c)) * float(latency)
rounds = []
for line in sys.stdin.read().splitlines():
    m = re.match(r"RESULT wall_s=([0-9.]+) ok=(\d+) err=(\d+)", line)
    if m:
        rounds.append({"wall": float(m[1]), "ok": int(m[2]), "err": int(m[3]), "info": "", "failures": ""})
    elif line.startswith("INFO failures") and rounds:
        rounds[-1]["failures"] = line
    elif line.startswith("INFO") and rounds:
        rounds[-1]["info"] = line
if not rounds:
    sys.exit(f"{name}: the client printed no RESULT line")
ratio = lambda wall: ideal / wall if wall > 0 else 0.0
walls = sorted(r["wall"] for r in rounds)
wall = statistics.median(walls)
mid = sorted(rounds, key=lambda r: r["wall"])[(len(rounds) - 1) // 2]
line = (f"{name} ({server}) RESULT wall_s={wall:.3f} ok={sum(r['ok'] for r in rounds)}"
        f" err={sum(r['err'] for r in rounds)} ideal_s={ideal:g} ratio={ratio(wall):.3f} goal={goal}")
if len(rounds) > 1:
    line += (f" rounds={len(rounds)} wall_min={walls[0]:.3f} wall_max={walls[-1]:.3f}"
             f" ratio_min={ratio(walls[-1]):.3f} ratio_max={ratio(walls[0]):.3f}")
print(line + " | " + mid["info"])
for r in rounds:
    if r["failures"]:
        print(f"{name} ({server}) {r['failures']}")
        break
