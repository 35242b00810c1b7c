"""The Jupyter project's kernel conformance suite (jupyter_kernel_test) against Chorus."""
import unittest

import jupyter_kernel_test
from jupyter_client.utils import run_sync
from jupyter_kernel_test.msgspec_v5 import validate_message

from conftest import KERNEL_NAME

MESSAGE_WAIT = 10  # seconds between two iopub messages of one request




class ChorusKernelConformance(jupyter_kernel_test.KernelTests):
    kernel_name = KERNEL_NAME
    language_name = "java"
    file_extension = ".jsh"

    code_hello_world = 'System.out.println("hello, world");'
    code_stderr = 'System.err.println("to stderr");'

    completion_samples = [
        {"text": "Math.ma"},
        {"text": "String s = \"x\"; s.subst"},
    ]

    complete_code_samples = ["1 + 1", "int x = 1;", "class A {}", "record P(int x, int y) {}", "%help"]
    incomplete_code_samples = ["for (int i = 0; i < 3; i++) {", "class B {", "String s = \"a\" +"]
    invalid_code_samples = ["int 3x = 1;"]

    code_generate_error = 'throw new IllegalStateException("boom");'

    code_execute_result = [
        {"code": "6 * 7", "result": "42"},
        {"code": "java.util.List.of(1, 2, 3)", "result": "[1, 2, 3]"},
        {"code": "int a = 20; a + 1", "result": "21"},
    ]

    code_display_data = [
        {"code": 'display("<b>bold</b>", "text/html");', "mime": "text/html"},
        {"code": 'display("plain words");', "mime": "text/plain"},
    ]

    code_history_pattern = "6 *"
    supported_history_operations = ("tail", "range", "search")

    code_inspect_sample = "Math.max"

    code_clear_output = "clearOutput();"

    def execute_helper(self, code, timeout=jupyter_kernel_test.TIMEOUT, silent=False, store_history=True,
                       stop_on_error=True):
        """The suite's own helper with the same checks, but it waits up to MESSAGE_WAIT seconds for
        each iopub message instead of 0.1 s: on a loaded 2-core machine the ZeroMQ delivery of the
        idle status can lag the execute_reply by more than that, which says nothing of the kernel."""
        msg_id = self.kc.execute(code=code, silent=silent, store_history=store_history,
                                 stop_on_error=stop_on_error)
        reply = self.get_non_kernel_info_reply(timeout=timeout)
        validate_message(reply, "execute_reply", msg_id)
        busy_msg = run_sync(self.kc.iopub_channel.get_msg)(timeout=MESSAGE_WAIT)
        validate_message(busy_msg, "status", msg_id)
        self.assertEqual(busy_msg["content"]["execution_state"], "busy")
        output_msgs = []
        while True:
            msg = run_sync(self.kc.iopub_channel.get_msg)(timeout=MESSAGE_WAIT)
            validate_message(msg, msg["msg_type"], msg_id)
            if msg["msg_type"] == "status":
                self.assertEqual(msg["content"]["execution_state"], "idle")
                break
            elif msg["msg_type"] == "execute_input":
                self.assertEqual(msg["content"]["code"], code)
                continue
            output_msgs.append(msg)
        return reply, output_msgs


if __name__ == "__main__":
    unittest.main()
