"""The response cache seen through Jupyter's own client: a cell run again sends nothing, a changed
parameter is a miss, identical requests at temperature 0 go out once, %%prompt replays, and two
kernels share one cache file (test.sh points XDG_CACHE_HOME at a folder of its own)."""
import socket

from jupyter_client.manager import start_new_kernel

from conftest import KERNEL_NAME, Session, text_of

SENT = 'dev.chorus.magics.Chorus.sandbox().stats().requests("chat")'


def value(kernel, expr):
    return text_of(kernel.ok(expr), kinds=("execute_result",)).strip().strip('"')


def sent(kernel):
    return int(value(kernel, SENT))


def fresh_sandbox(kernel, options=""):
    """A new sandbox (a new port, so a new base URL and new cache keys) and a client for it."""
    kernel.ok("%sandbox stop")
    kernel.ok("%sandbox start " + options)
    kernel.ok("%client --new")


def test_a_cell_run_again_sends_nothing_and_a_changed_parameter_is_a_miss(kernel):
    fresh_sandbox(kernel)
    body = "\n".join(f"question {i}" for i in range(40))
    first = text_of(kernel.ok("%%fanout --concurrency 8\n" + body))
    assert "40 items: 40 ok" in first and "from cache" not in first, first
    assert sent(kernel) == 40
    again = text_of(kernel.ok("%%fanout --concurrency 8\n" + body))
    assert "40 of 40 from cache" in again, again
    assert sent(kernel) == 40, "nothing was sent"
    assert value(kernel, 'results.booleanColumn("cached").countTrue()') == "40"
    assert value(kernel, 'results.longColumn("latency_ms").isMissing().size()') == "0", "cached rows keep their latency"
    assert value(kernel, 'results.stringColumn("answer").get(7)') == "Echo: question 7"

    changed = text_of(kernel.ok("%%fanout --concurrency 8 --max-tokens 2\n" + body))
    assert "from cache" not in changed, changed
    assert sent(kernel) == 80

    text_of(kernel.ok("%%fanout --concurrency 8 --refresh\n" + body))
    assert sent(kernel) == 120, "--refresh asks again"
    text_of(kernel.ok("%%fanout --concurrency 8 --no-cache\n" + body))
    assert sent(kernel) == 160, "--no-cache neither reads nor skips"
    shown = text_of(kernel.ok("%cache"))
    assert "responses.sqlite" in shown and "hits of" in shown, shown


def test_identical_requests_at_temperature_zero_go_out_once(kernel):
    fresh_sandbox(kernel)
    body = "\n".join(["same question"] * 10 + ["another"] * 5)
    kernel.ok("%%fanout --temperature 0 --concurrency 15\n" + body)
    assert sent(kernel) == 2
    assert value(kernel, 'results.booleanColumn("cached").countTrue()') == "13"
    assert value(kernel, 'results.stringColumn("status").countOccurrences("ok")') == "15"
    kernel.ok("%%fanout --temperature 0.7 --concurrency 15 --no-cache\n" + body)
    assert sent(kernel) == 17, "above temperature 0 each duplicate is a sample of its own"


def test_prompt_replays_a_cached_answer(kernel):
    fresh_sandbox(kernel, "--latency 200ms")
    kernel.ok("%%prompt\nName a prime.")
    assert sent(kernel) == 1
    shown = text_of(kernel.ok("%%prompt\nName a prime."))
    assert "Echo: Name a prime." in shown and "from cache" in shown, shown
    assert sent(kernel) == 1
    assert value(kernel, "answer") == "Echo: Name a prime."
    kernel.ok("%%prompt --refresh\nName a prime.")
    assert sent(kernel) == 2


def test_two_kernels_share_one_cache_file(kernel):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    kernel.ok("%sandbox stop")
    kernel.ok(f"%sandbox start --port {port}")
    kernel.ok(f"%client --new --base-url http://127.0.0.1:{port}/v1 --api-key sk-one --model sandbox-echo")
    body = "\n".join(f"shared {i}" for i in range(30))
    kernel.ok("%%fanout --concurrency 8\n" + body)
    km, kc = start_new_kernel(kernel_name=KERNEL_NAME, startup_timeout=60)
    try:
        other = Session(km, kc)
        other.ok(f"%client --base-url http://127.0.0.1:{port}/v1 --api-key sk-two --model sandbox-echo")
        shown = text_of(other.ok("%%fanout --concurrency 8\n" + body))
        assert "30 of 30 from cache" in shown, shown
        # Both write at once: no "database is locked", every answer kept.
        a = kernel.kc.execute("%%fanout --concurrency 8\n" + "\n".join(f"from a {i}" for i in range(200)))
        b = other.kc.execute("%%fanout --concurrency 8\n" + "\n".join(f"from b {i}" for i in range(200)))
        assert kernel.reply_to(a, 120)["content"]["status"] == "ok"
        assert other.reply_to(b, 120)["content"]["status"] == "ok"
        kernel.iopub_until_idle(a, 60)
        other.iopub_until_idle(b, 60)
        again = text_of(other.ok("%%fanout --concurrency 8\n" + "\n".join(f"from a {i}" for i in range(200))))
        assert "200 of 200 from cache" in again, again
        assert "failed" not in text_of(other.ok("%cache")), "the cache reported no problem"
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
