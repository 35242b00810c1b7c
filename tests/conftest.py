"""Shared fixtures: a Chorus kernel started through its installed kernelspec (test.sh installs
the kernelspec into a temporary prefix and points JUPYTER_PATH at it)."""
import os
import queue
import time

import pytest
from jupyter_client.manager import start_new_kernel

KERNEL_NAME = os.environ.get("CHORUS_KERNEL_NAME", "chorus")
ROOT = os.environ.get("CHORUS_ROOT", os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class Session:
    """A running kernel and a blocking client with helpers that collect a cell's messages."""

    def __init__(self, km, kc):
        self.km, self.kc = km, kc

    def execute(self, code, timeout=60):
        """Runs code; returns (reply, iopub messages of that request up to idle)."""
        msg_id = self.kc.execute(code)
        reply = self.reply_to(msg_id, timeout)
        return reply, self.iopub_until_idle(msg_id, timeout)

    def reply_to(self, msg_id, timeout=60):
        deadline = time.monotonic() + timeout
        while True:
            msg = self.kc.get_shell_msg(timeout=max(0.1, deadline - time.monotonic()))
            if msg["parent_header"].get("msg_id") == msg_id:
                return msg

    def iopub_until_idle(self, msg_id, timeout=60):
        out = []
        deadline = time.monotonic() + timeout
        while True:
            msg = self.kc.get_iopub_msg(timeout=max(0.1, deadline - time.monotonic()))
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                return out
            out.append(msg)

    def iopub_drain(self, seconds):
        """Every iopub message that arrives within the given time, whatever its parent."""
        out = []
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                out.append(self.kc.get_iopub_msg(timeout=max(0.05, deadline - time.monotonic())))
            except queue.Empty:
                break
        return out

    def ok(self, code, timeout=60):
        reply, msgs = self.execute(code, timeout)
        assert reply["content"]["status"] == "ok", (code, reply["content"], msgs)
        return msgs


def text_of(msgs, kinds=("stream", "execute_result", "display_data", "error")):
    parts = []
    for m in msgs:
        if m["msg_type"] not in kinds:
            continue
        c = m["content"]
        if m["msg_type"] == "stream":
            parts.append(c["text"])
        elif m["msg_type"] == "error":
            parts.append("\n".join(c["traceback"]))
        else:
            parts.append(c["data"].get("text/plain", ""))
    return "".join(parts)


@pytest.fixture(scope="module")
def kernel():
    km, kc = start_new_kernel(kernel_name=KERNEL_NAME, startup_timeout=60)
    try:
        yield Session(km, kc)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
