"""%%fanout --batch seen through Jupyter's own client: the rows go to the Batch API (the sandbox's
/v1/files and /v1/batches) and come back as the same table; running the cell again re-attaches
instead of submitting; an interrupt detaches; %fanout cancel cancels on the server; a kernel killed
mid-run re-attaches from a fresh kernel to batches of a sandbox that runs in a process of its own."""
import os
import re
import subprocess
import time

import pytest
from jupyter_client.manager import start_new_kernel

from conftest import KERNEL_NAME, ROOT, Session, text_of
from test_protocol import BOUND

DIST = os.environ.get("CHORUS_DIST", os.path.join(ROOT, "kernel", "target", "chorus"))
XS = 'List<String> xs = java.util.stream.IntStream.range(0, {n}).mapToObj(i -> "q{tag} " + i).toList();'


def count(kernel, code):
    msgs = kernel.ok(code)
    return text_of(msgs, kinds=("execute_result",)).strip()


def test_a_batch_fills_the_same_table_and_a_second_run_reattaches(kernel):
    kernel.ok("%sandbox start --batch-rate 400")
    kernel.ok("%client --new")
    kernel.ok(XS.format(n=40, tag="a"))
    msgs = kernel.ok("%%fanout --over xs --batch --out batched\n{it}", timeout=BOUND)
    text = text_of(msgs)
    assert "batch: 40 rows · ok 40" in text, text
    updates = [m for m in msgs if m["msg_type"] == "update_display_data"]
    assert all("%%fanout --batch [" in m["content"]["data"]["text/plain"] for m in updates), updates
    assert count(kernel, 'batched.stringColumn("status").countOccurrences("ok")') == "40"
    assert count(kernel, 'batched.stringColumn("answer").get(7)') == '"Echo: qa 7"'.strip('"')
    assert count(kernel, "client.batches().list(100, null).data().size()") == "1"

    # The same cell again: the answers come from the cache and the batch is found, not submitted again.
    text = text_of(kernel.ok("%%fanout --over xs --batch --out batched\n{it}", timeout=BOUND))
    assert "re-attached to 1 batch" in text, text
    assert "batch: 40 rows · ok 40 · 40 from cache" in text, text
    assert count(kernel, "client.batches().list(100, null).data().size()") == "1"


def test_options_that_do_not_apply_to_a_batch_are_one_line(kernel):
    kernel.ok(XS.format(n=3, tag="b"))
    reply, msgs = kernel.execute("%%fanout --over xs --batch --concurrency 4 --background\n{it}")
    assert reply["content"]["status"] == "error"
    assert reply["content"]["evalue"] == ("Failed to process '%%fanout --over xs --batch --concurrency 4 --background':"
                                          " --background, --concurrency do not apply to --batch (the provider runs"
                                          " the batch at its own pace)")
    reply, _ = kernel.execute("%%fanout --over xs --retry-failed\n{it}")
    assert reply["content"]["evalue"].endswith("--retry-failed resubmits a --batch run's failed rows (a realtime run"
                                               " retries with --retries)"), reply["content"]["evalue"]


def test_an_interrupt_detaches_and_the_cell_run_again_collects_the_rows(kernel):
    kernel.ok("%sandbox start --batch-rate 10")
    kernel.ok("%client --new")
    kernel.ok(XS.format(n=60, tag="c"))
    before = int(count(kernel, "client.batches().list(100, null).data().size()"))
    cell = "%%fanout --over xs --batch --out slow\n{it}"
    msg_id = kernel.kc.execute(cell)
    deadline = time.monotonic() + BOUND
    while time.monotonic() < deadline:
        m = kernel.kc.get_iopub_msg(timeout=BOUND)
        if m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == "update_display_data":
            break
    kernel.km.interrupt_kernel()
    reply = kernel.reply_to(msg_id, BOUND)["content"]
    assert reply["status"] == "error" and reply["ename"] == "Interrupted", reply
    assert reply["evalue"] == ("detached: 1 batch keeps running on the server; run this cell again to re-attach,"
                               " or %fanout cancel to cancel it"), reply["evalue"]
    kernel.iopub_until_idle(msg_id, BOUND)

    kernel.ok("%sandbox start --batch-rate 2000")
    text = text_of(kernel.ok(cell, timeout=BOUND))
    assert "re-attached to 1 batch" in text and "batch: 60 rows · ok 60" in text, text
    assert int(count(kernel, "client.batches().list(100, null).data().size()")) == before + 1, "none submitted twice"


def test_fanout_cancel_cancels_the_batches_on_the_server(kernel):
    kernel.ok("%sandbox start --batch-rate 5")
    kernel.ok("%client --new")
    kernel.ok(XS.format(n=50, tag="d"))
    cell = "%%fanout --over xs --batch --out cut\n{it}"
    msg_id = kernel.kc.execute(cell)
    time.sleep(1.0)
    kernel.km.interrupt_kernel()
    assert kernel.reply_to(msg_id, BOUND)["content"]["ename"] == "Interrupted"
    kernel.iopub_until_idle(msg_id, BOUND)
    text = text_of(kernel.ok("%fanout cancel"))
    assert re.search(r"asked the provider to cancel 1 batch: batch_\w+ (cancelling|cancelled)", text), text
    text = text_of(kernel.ok(cell, timeout=BOUND))
    m = re.search(r"batch: 50 rows · ok (\d+) · cancelled (\d+)", text)
    assert m and int(m.group(1)) + int(m.group(2)) == 50 and int(m.group(2)) > 0, text


@pytest.fixture
def external_sandbox():
    """`chorus sandbox` in a process of its own, so that it outlives the kernels that use it."""
    env = dict(os.environ)
    if env.get("CHORUS_JAVA_HOME"):
        env["CHORUS_JAVA"] = os.path.join(env["CHORUS_JAVA_HOME"], "bin", "java")
    proc = subprocess.Popen([os.path.join(DIST, "bin", "chorus"), "sandbox", "--batch-rate", "40", "--no-auth"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    try:
        url = None
        deadline = time.monotonic() + 60
        while url is None and time.monotonic() < deadline:
            line = proc.stdout.readline()
            m = re.search(r"listening on (http://127\.0\.0\.1:\d+/v1)", line)
            if m:
                url = m.group(1)
            elif proc.poll() is not None:
                raise AssertionError("chorus sandbox ended: " + line)
        assert url, "chorus sandbox printed no URL"
        yield url
    finally:
        proc.terminate()
        proc.wait(10)


def test_a_kernel_killed_mid_batch_reattaches_from_a_fresh_kernel(external_sandbox):
    setup = ["%client --base-url " + external_sandbox + " --api-key sk-test --model default", XS.format(n=120, tag="e")]
    cell = "%%fanout --over xs --batch --yes --out survived\n{it}"
    km, kc = start_new_kernel(kernel_name=KERNEL_NAME, startup_timeout=60)
    first = Session(km, kc)
    try:
        for c in setup:
            first.ok(c)
        msg_id = kc.execute(cell)
        deadline = time.monotonic() + BOUND
        while time.monotonic() < deadline:
            m = kc.get_iopub_msg(timeout=BOUND)
            if m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == "update_display_data":
                break
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)  # killed mid-run: its batch goes on in the sandbox's process

    km, kc = start_new_kernel(kernel_name=KERNEL_NAME, startup_timeout=60)
    second = Session(km, kc)
    try:
        for c in setup:
            second.ok(c)
        text = text_of(second.ok(cell, timeout=BOUND))
        assert "re-attached to 1 batch" in text, text
        assert "batch: 120 rows · ok 120" in text, text
        assert count(second, "client.batches().list(100, null).data().size()") == "1", "none submitted twice"
        assert count(second, "survived.stringColumn(\"answer\").unique().size()") == "120", "none lost, none twice"
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
