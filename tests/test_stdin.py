"""Reading input, seen through Jupyter's own client: System.in (Scanner, BufferedReader, read())
and password() ask through input_request when the front end allows stdin, fail at once with one
clear line when it does not, and %client --secret ? asks without the secret ever being shown."""
import time

from conftest import text_of

BOUND = 20


def answer(kernel, msg_id, text, password=False, prompt=None):
    """Waits for the input_request of msg_id, checks it, and answers it."""
    req = kernel.kc.get_stdin_msg(timeout=BOUND)
    assert req["msg_type"] == "input_request", req
    assert req["parent_header"]["msg_id"] == msg_id
    assert req["content"]["password"] is password, req["content"]
    if prompt is not None:
        assert req["content"]["prompt"] == prompt, req["content"]
    kernel.kc.input(text)


def run_with_input(kernel, code, *answers):
    msg_id = kernel.kc.execute(code, allow_stdin=True)
    for a in answers:
        answer(kernel, msg_id, *a) if isinstance(a, tuple) else answer(kernel, msg_id, a)
    reply = kernel.reply_to(msg_id, BOUND)
    return reply, kernel.iopub_until_idle(msg_id, BOUND)


def test_scanner_reads_a_line_through_an_input_request(kernel):
    reply, msgs = run_with_input(kernel, 'var sc = new java.util.Scanner(System.in);\n'
                                         'System.out.print("Name: ");\n"hello " + sc.nextLine()', "Ada Lovelace")
    assert reply["content"]["status"] == "ok", reply["content"]
    assert text_of(msgs, kinds=("execute_result",)).strip() == "hello Ada Lovelace"
    # the prompt printed before the read reached the notebook before the input box
    assert "Name: " in text_of(msgs, kinds=("stream",))


def test_buffered_reader_and_read_take_the_lines_in_order(kernel):
    code = ('var in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in));\n'
            'String first = in.readLine();\nint c = System.in.read();\nfirst + "|" + (char) c')
    reply, msgs = run_with_input(kernel, code, "one", "xyz")
    assert reply["content"]["status"] == "ok", reply["content"]
    assert text_of(msgs, kinds=("execute_result",)).strip() == "one|x"


def test_password_is_asked_without_echo_and_never_shown(kernel):
    reply, msgs = run_with_input(kernel, 'String key = password("API key: ");\nkey.length()',
                                 ("sk-very-secret-123", True, "API key: "))
    assert reply["content"]["status"] == "ok", reply["content"]
    assert text_of(msgs).strip() == "18"
    assert "sk-very-secret-123" not in str(msgs)
    kernel.kc.history(hist_access_type="tail", n=20, output=True)
    history = kernel.kc.get_shell_msg(timeout=BOUND)
    assert "sk-very-secret-123" not in str(history["content"])


def test_without_stdin_reading_fails_at_once_with_one_line(kernel):
    msg_id = kernel.kc.execute('new java.util.Scanner(System.in).nextLine()', allow_stdin=False)
    reply = kernel.reply_to(msg_id, BOUND)["content"]
    assert reply["status"] == "error"
    assert reply["ename"] == "IllegalStateException"
    assert reply["evalue"] == ("input is not available: this front end does not send input to the kernel"
                               " (nbclient and nbconvert do not, nor a front end with stdin turned off);"
                               " set the value in code")
    kernel.iopub_until_idle(msg_id, BOUND)


def test_an_interrupt_while_waiting_ends_the_cell_and_a_late_answer_is_dropped(kernel):
    msg_id = kernel.kc.execute('new java.util.Scanner(System.in).nextLine()', allow_stdin=True)
    req = kernel.kc.get_stdin_msg(timeout=BOUND)
    assert req["parent_header"]["msg_id"] == msg_id
    kernel.km.interrupt_kernel()
    reply = kernel.reply_to(msg_id, BOUND)["content"]
    assert reply["status"] == "error" and reply["ename"] == "Interrupted", reply
    kernel.iopub_until_idle(msg_id, BOUND)
    kernel.kc.input("too late")   # an answer to the abandoned box, typed before the next cell starts
    time.sleep(0.5)
    reply, msgs = run_with_input(kernel, 'new java.util.Scanner(System.in).nextLine()', "on time")
    assert text_of(msgs, kinds=("execute_result",)).strip() == "on time"


def test_client_asks_for_key_id_and_secret(kernel):
    kernel.ok("%sandbox start")
    creds = text_of(kernel.ok('var sb = dev.chorus.magics.Chorus.sandbox();\n'
                              'sb.baseUrl() + " " + sb.tokenUrl() + " " + sb.keyId() + " " + sb.secret()'))
    base, token, key_id, secret = creds.strip().split(" ")
    reply, msgs = run_with_input(kernel, f"%client --base-url {base} --token-url {token} --key-id ? --secret ?"
                                         " --model sandbox-echo",
                                 (key_id, False, "Evolution key id: "), (secret, True, "Evolution secret: "))
    assert reply["content"]["status"] == "ok", reply["content"]
    assert secret not in str(msgs)
    msgs = kernel.ok("%%prompt --no-stream\nhello")
    assert "Echo: hello" in text_of(msgs)
    assert secret not in str(msgs)
    # no stdin: the magic says it cannot ask, and nothing is configured
    msg_id = kernel.kc.execute("%client --base-url http://127.0.0.1:1/v1 --api-key ? --new", allow_stdin=False)
    reply = kernel.reply_to(msg_id, BOUND)["content"]
    assert reply["status"] == "error"
    assert reply["evalue"] == ("Failed to process '%client --base-url http://127.0.0.1:1/v1 --api-key ? --new':"
                               " --api-key ?: input is not available: this front end does not send input to the"
                               " kernel (nbclient and nbconvert do not, nor a front end with stdin turned off);"
                               " set the value in code"), reply["evalue"]
    kernel.iopub_until_idle(msg_id, BOUND)
