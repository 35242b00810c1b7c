"""%%fanout seen through Jupyter's own client: an interrupt keeps the finished rows, ends the cell
as interrupted and stops a Run All there; progress and summary count cancelled rows apart."""
import re
import time

from conftest import text_of
from test_protocol import BOUND


def last_progress(msgs):
    """The text of the last update of the fan-out's progress display."""
    updates = [m for m in msgs if m["msg_type"] == "update_display_data"]
    assert updates, [m["msg_type"] for m in msgs]
    return updates[-1]["content"]["data"]["text/plain"]


def wait_for_progress(kernel, msg_id, pattern):
    """The iopub messages of msg_id up to the first progress update matching pattern."""
    seen = []
    deadline = time.monotonic() + BOUND
    while time.monotonic() < deadline:
        msg = kernel.kc.get_iopub_msg(timeout=BOUND)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        seen.append(msg)
        if msg["msg_type"] == "update_display_data" and re.search(pattern, msg["content"]["data"]["text/plain"]):
            return seen
    raise AssertionError("no progress matched " + pattern)


def test_an_interrupted_fanout_keeps_its_rows_and_run_all_stops_there(kernel):
    kernel.ok("%sandbox start --latency 200ms")
    kernel.ok("%client --new")
    body = "\n".join(f"p{i}" for i in range(40))
    # Run All: the fan-out and the cell after it are sent together, stop_on_error as notebooks send it.
    fanout = kernel.kc.execute("%%fanout --concurrency 4\n" + body)
    after = kernel.kc.execute("int afterTheFanOut = 1;")
    seen = wait_for_progress(kernel, fanout, r"· ok ([4-9]|[1-3]\d) ·")
    kernel.km.interrupt_kernel()

    reply = kernel.reply_to(fanout, BOUND)["content"]
    assert reply["status"] == "error", reply
    assert reply["ename"] == "Interrupted"
    m = re.fullmatch(r"interrupted: (\d+) of 40 rows finished and kept, (\d+) cancelled; results bound to results",
                     reply["evalue"])
    assert m, reply["evalue"]
    kept, cancelled = int(m.group(1)), int(m.group(2))
    assert kept >= 4 and cancelled > 0 and kept + cancelled == 40
    msgs = seen + kernel.iopub_until_idle(fanout, BOUND)
    progress = last_progress(msgs)
    assert f"· ok {kept} · failed 0 · cancelled {cancelled} ·" in progress, progress
    summary = text_of(msgs)
    assert f"40 items: {kept} ok, 0 failed, 0 timed out, {cancelled} cancelled" in summary, summary
    assert "CancellationException" not in summary, summary

    # The next cell of the Run All was not run.
    assert kernel.reply_to(after, BOUND)["content"]["status"] == "aborted"
    reply, _ = kernel.execute("afterTheFanOut")
    assert reply["content"]["status"] == "error"

    # The finished rows are bound; a new request runs again.
    counted = kernel.ok('results.rowCount() + " " + results.stringColumn("status").countOccurrences("ok")'
                        ' + " " + results.stringColumn("status").countOccurrences("cancelled")')
    assert text_of(counted).strip().strip('"') == f"40 {kept} {cancelled}"


def test_a_fanout_binds_its_table_and_a_second_run_rebinds_it(kernel):
    kernel.ok("%sandbox start --latency 0ms")
    kernel.ok("%client --new")
    kernel.ok("%%fanout --concurrency 8\na\nb\nc")
    kernel.ok("var first = results;")
    kernel.ok("%%fanout --concurrency 8\nd\ne")
    same = kernel.ok('(first == results) + " " + results.rowCount() + " " + first.rowCount()'
                     ' + " " + results.stringColumn("answer").get(1)')
    assert text_of(same).strip().strip('"') == "false 2 3 Echo: e"
    # A cell that redeclares the name with another type, then a fan-out binds it again as a table.
    kernel.ok('String results = "mine";')
    kernel.ok("%%fanout\nf")
    assert text_of(kernel.ok("results.rowCount()")).strip() == "1"


def test_status_of_a_background_run_is_live_then_one_line(kernel):
    kernel.ok("%sandbox start --latency 300ms")
    kernel.ok("%client --new")
    kernel.ok("%%fanout --background --concurrency 2 --no-cache --out later\n" + "\n".join(f"bg {i}" for i in range(8)))
    msg_id = kernel.kc.execute("%fanout status")
    assert kernel.reply_to(msg_id, BOUND)["content"]["status"] == "ok"
    seen = [m for m in kernel.iopub_drain(6) if m["parent_header"].get("msg_id") == msg_id]
    shown = [m for m in seen if m["msg_type"] == "display_data"]
    updates = [m for m in seen if m["msg_type"] == "update_display_data"]
    assert len(shown) == 1 and shown[0]["content"]["data"]["text/plain"].startswith("%%fanout ["), shown
    assert len(updates) >= 2, [m["msg_type"] for m in seen]
    last = updates[-1]["content"]["data"]["text/plain"]
    assert "8/8 · ok 8" in last and last.endswith("· results: later"), last
    after = text_of(kernel.ok("%fanout status"))
    assert after.strip().endswith("· results: later") and "items:" not in after, after


def test_the_java_twin_displays_nothing_unless_asked(kernel):
    kernel.ok("%sandbox start --latency 0ms")
    kernel.ok("%client --new")
    quiet = kernel.ok('var quiet = dev.chorus.magics.Chorus.fanout(List.of("q1", "q2"), "--concurrency 2");\nquiet.rowCount()')
    assert [m["msg_type"] for m in quiet if m["msg_type"] in ("display_data", "update_display_data")] == []
    assert text_of(quiet).strip() == "2"
    shown = kernel.ok('dev.chorus.magics.Chorus.fanout(List.of("p1", "p2"), "--concurrency 2 --progress").rowCount()')
    assert "2 items: 2 ok" in text_of(shown), text_of(shown)
