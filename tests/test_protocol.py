"""Chorus behaviour seen through Jupyter's own client: streaming output, interrupt, errors,
System.exit, display handles that outlive their cell, magics."""
import time

from conftest import text_of

BOUND = 20  # seconds: an upper bound so a broken kernel fails the test instead of hanging it


def wait_busy(kernel, msg_id):
    deadline = time.monotonic() + BOUND
    while time.monotonic() < deadline:
        msg = kernel.kc.get_iopub_msg(timeout=BOUND)
        if (msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "status"
                and msg["content"]["execution_state"] == "busy"):
            return
    raise AssertionError("kernel never went busy")


def interrupt_running(kernel, code, settle=0.7):
    """Starts code, interrupts it once it runs, returns (reply, messages)."""
    msg_id = kernel.kc.execute(code)
    wait_busy(kernel, msg_id)
    time.sleep(settle)
    kernel.km.interrupt_kernel()
    reply = kernel.reply_to(msg_id, BOUND)
    return reply, kernel.iopub_until_idle(msg_id, BOUND)


def test_kernel_info(kernel):
    kernel.kc.kernel_info()
    reply = kernel.kc.get_shell_msg(timeout=BOUND)
    info = reply["content"]
    assert info["language_info"]["name"] == "java"
    assert info["implementation"].lower().startswith("chorus")


def test_stdout_streams_while_the_cell_runs(kernel):
    msgs = kernel.ok('for (int i = 0; i < 3; i++) { System.out.println("tick " + i); Thread.sleep(400); }')
    streams = [m for m in msgs if m["msg_type"] == "stream" and m["content"]["name"] == "stdout"]
    # Output held back until the cell's end would arrive as one message.
    assert len(streams) >= 2, streams
    assert "".join(m["content"]["text"] for m in streams) == "tick 0\ntick 1\ntick 2\n"


def test_values_and_state_across_cells(kernel):
    kernel.ok("record Point(int x, int y) {}\nvar p = new Point(3, 4);\nint sq(int v) { return v * v; }")
    msgs = kernel.ok("sq(p.x()) + sq(p.y())")
    result = [m for m in msgs if m["msg_type"] == "execute_result"]
    assert result and result[0]["content"]["data"]["text/plain"] == "25"


def test_compile_error_shows_line_caret_and_message(kernel):
    reply, msgs = kernel.execute('int ok = 1;\nint x = "a";')
    assert reply["content"]["status"] == "error"
    text = text_of(msgs)
    assert "incompatible types" in text
    assert "^" in text
    assert 'int x = "a";' in text


def test_runtime_error_shows_only_notebook_frames(kernel):
    kernel.ok('void fail() { throw new IllegalArgumentException("bad input"); }')
    reply, msgs = kernel.execute("fail();")
    assert reply["content"]["status"] == "error"
    assert reply["content"]["ename"].endswith("IllegalArgumentException")
    text = text_of(msgs)
    assert "bad input" in text
    for internal in ("jdk.jshell", "dev.chorus.kernel", "org.dflib", "java.base/"):
        assert internal not in text, text


def test_interrupt_stops_sleep_and_state_survives(kernel):
    kernel.ok("int survivor = 7;")
    reply, _ = interrupt_running(kernel, "Thread.sleep(600_000);")
    assert reply["content"]["status"] == "error"
    msgs = kernel.ok("survivor * 6")
    assert text_of(msgs).strip() == "42"


def test_interrupt_stops_a_busy_loop(kernel):
    reply, _ = interrupt_running(kernel, "long n = 0; while (true) { n++; }")
    assert reply["content"]["status"] == "error"
    assert text_of(kernel.ok("1 + 1")).strip() == "2"


def test_interrupt_stops_a_busy_loop_in_a_method_from_an_earlier_cell(kernel):
    kernel.ok("void spin() { for (;;) { } }")
    reply, _ = interrupt_running(kernel, "spin();")
    assert reply["content"]["status"] == "error"
    assert text_of(kernel.ok("2 + 2")).strip() == "4"


def test_interrupt_stops_future_get(kernel):
    reply, _ = interrupt_running(kernel, "new CompletableFuture<String>().get();")
    assert reply["content"]["status"] == "error"
    assert text_of(kernel.ok("3 + 3")).strip() == "6"


def test_system_exit_is_an_error_and_the_kernel_lives(kernel):
    reply, msgs = kernel.execute("System.exit(3);")
    assert reply["content"]["status"] == "error"
    assert "exit" in text_of(msgs).lower()
    assert kernel.km.is_alive()
    assert text_of(kernel.ok("5 + 5")).strip() == "10"


def test_display_handle_updates_after_its_cell_returned(kernel):
    msgs = kernel.ok('String handle = display("version 1");')
    shown = [m for m in msgs if m["msg_type"] == "display_data"]
    assert shown, msgs
    display_id = shown[0]["content"]["transient"]["display_id"]
    kernel.ok('Thread.ofVirtual().start(() -> { try { Thread.sleep(300); } catch (InterruptedException e) { } '
              'updateDisplay(handle, "version 2"); });')
    updates = [m for m in kernel.iopub_drain(5) if m["msg_type"] == "update_display_data"]
    assert updates, "no update_display_data arrived after the cell returned"
    assert updates[0]["content"]["transient"]["display_id"] == display_id
    assert updates[0]["content"]["data"]["text/plain"] == "version 2"


def test_help_lists_magics(kernel):
    text = text_of(kernel.ok("%help"))
    for magic in ("%maven", "%classpath", "%load", "%time", "%help"):
        assert magic in text, text


def test_unknown_magic_is_one_line(kernel):
    reply, msgs = kernel.execute("%nosuchmagic 1 2")
    assert reply["content"]["status"] == "error"
    text = text_of(msgs)
    assert "nosuchmagic" in text
    assert "Exception" not in text and "\tat " not in text


def test_completion_offers_members_and_magics(kernel):
    code = "Math.ma"
    kernel.kc.complete(code, len(code))
    reply = kernel.kc.get_shell_msg(timeout=BOUND)
    assert any(m.startswith("max") for m in reply["content"]["matches"]), reply["content"]
    kernel.kc.complete("%mav", 4)
    reply = kernel.kc.get_shell_msg(timeout=BOUND)
    assert "%maven" in reply["content"]["matches"], reply["content"]


def test_inspect_with_cursor_right_after_the_token(kernel):
    code = "Math.max"
    kernel.kc.inspect(code, len(code))
    reply = kernel.kc.get_shell_msg(timeout=BOUND)
    assert reply["content"]["found"], reply["content"]
    assert "max" in reply["content"]["data"]["text/plain"]
