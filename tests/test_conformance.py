"""The Jupyter project's kernel conformance suite (jupyter_kernel_test) against Chorus."""
import unittest

import jupyter_kernel_test

from conftest import KERNEL_NAME


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


if __name__ == "__main__":
    unittest.main()
