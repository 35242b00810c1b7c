"""The pre-flight guard seen through Jupyter's own client, against a sandbox started apart (the
embedded one is never asked about): the line comes before anything is sent and counts what is
then sent; above the threshold the cell asks through stdin (yes sends, no sends nothing), and a
front end without stdin gets one line naming --yes."""
import socket

from conftest import text_of
from test_stdin import answer

BOUND = 60


def value(kernel, expr):
    return text_of(kernel.ok(expr), kinds=("execute_result",)).strip().strip('"')


def served(kernel):
    return int(value(kernel, 'apart.stats().requests("chat")'))


def prompts(n, tag):
    return "\n".join(f"{tag} {i}" for i in range(n))


def start_apart(kernel):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    kernel.ok("%sandbox stop")
    kernel.ok("var apart = dev.chorus.sandbox.Sandbox.start(dev.chorus.sandbox.Behavior.builder()"
              f".port({port}).build());")
    kernel.ok(f"%client --new --base-url http://127.0.0.1:{port}/v1 --api-key sk-test --model gpt-4o-mini")


def test_the_line_comes_first_and_counts_what_is_sent(kernel):
    start_apart(kernel)
    msgs = kernel.ok("%%fanout --max-tokens 20\n" + prompts(5, "small"))
    texts = [m["content"]["data"]["text/plain"] for m in msgs if m["msg_type"] == "display_data"]
    assert texts[0].startswith("pre-flight: 5 requests to gpt-4o-mini · "), texts
    assert "(o200k_base) + at most 100 completion tokens" in texts[0], texts[0]
    assert "at $0.15/$0.60 per M tokens (built-in list price)" in texts[0], texts[0]
    assert texts[1].startswith("%%fanout [---"), "the progress display comes after the line"
    assert served(kernel) == 5
    spent = text_of(msgs)
    assert "spent: " in spent and "completion tokens " in spent, spent
    # Run again: the cached rows are counted apart, and nothing is left to send.
    again = kernel.ok("%%fanout --max-tokens 20\n" + prompts(5, "small") + "\nnew one")
    line = [m["content"]["data"]["text/plain"] for m in again if m["msg_type"] == "display_data"][0]
    assert line.startswith("pre-flight: 1 request (5 of 6 cached) to gpt-4o-mini"), line
    assert served(kernel) == 6


def test_above_the_threshold_it_asks_and_no_sends_nothing(kernel):
    start_apart(kernel)
    code = "%%fanout --concurrency 64\n" + prompts(1001, "big")
    msg_id = kernel.kc.execute(code, allow_stdin=True)
    answer(kernel, msg_id, "n")
    reply = kernel.reply_to(msg_id, BOUND)["content"]
    assert reply["status"] == "error"
    assert "not sent: the answer was 'n' (y or yes sends it)" in reply["evalue"], reply
    assert served(kernel) == 0

    msg_id = kernel.kc.execute(code, allow_stdin=True)
    req_prompt = kernel.kc.get_stdin_msg(timeout=BOUND)["content"]["prompt"]
    assert req_prompt.startswith("Send 1,001 requests, ≈ $"), req_prompt
    kernel.kc.input("yes")
    assert kernel.reply_to(msg_id, BOUND)["content"]["status"] == "ok"
    kernel.iopub_until_idle(msg_id, BOUND)
    assert served(kernel) == 1001


def test_without_stdin_the_cell_names_yes_and_yes_skips_the_question(kernel):
    start_apart(kernel)
    code = "%%fanout --concurrency 64 --price in=0.5,out=2\n" + prompts(1200, "nostdin")
    msg_id = kernel.kc.execute(code, allow_stdin=False)
    reply = kernel.reply_to(msg_id, BOUND)["content"]
    assert reply["status"] == "error"
    assert "this fan-out needs a yes (1,200 requests, ≈ $" in reply["evalue"], reply
    assert "add --yes to send it" in reply["evalue"], reply
    assert served(kernel) == 0
    msgs = kernel.ok(code.replace("--price", "--yes --price"), timeout=BOUND)
    assert "(--price)" in text_of(msgs)
    assert served(kernel) == 1200


def test_the_embedded_sandbox_is_never_asked_about_and_thresholds_change(kernel):
    kernel.ok("%sandbox start")
    kernel.ok("%client --new")
    msgs = kernel.ok("%%fanout --concurrency 64\n" + prompts(1100, "embedded"))
    assert "pre-flight" not in text_of(msgs)
    shown = text_of(kernel.ok("%fanout guard requests=10,cost=0.5"))
    assert "more than 10 requests or 0.5 estimated" in shown, shown
    start_apart(kernel)
    msg_id = kernel.kc.execute("%%fanout\n" + prompts(11, "guarded"), allow_stdin=False)
    assert "needs a yes (11 requests" in kernel.reply_to(msg_id, BOUND)["content"]["evalue"]
    kernel.ok("%fanout guard requests=1000")
    reply, _ = kernel.execute("%%fanout --price in=x,out=1\nhello")
    assert reply["content"]["status"] == "error"
    assert "--price in expects a price per million tokens like 0.15, got 'x'" in reply["content"]["evalue"]


def test_max_cost_stops_sending_and_keeps_what_was_spent(kernel):
    kernel.ok("%sandbox stop")
    kernel.ok("%sandbox start")
    kernel.ok("%client --new")
    # Each sandbox answer here costs 2 prompt + 3 completion tokens: $0.005 at $1,000 per M tokens.
    code = "%%fanout --concurrency 1 --no-cache --price in=1000,out=1000 --max-cost 0.01\n" + prompts(10, "costly")
    reply, msgs = kernel.execute(code)
    content = reply["content"]
    assert content["status"] == "error", content
    assert content["evalue"] == ("stopped: --max-cost $0.01 reached (≈ $0.01 spent): 2 of 10 rows finished and kept,"
                                 " 8 not sent; results bound to results"), content["evalue"]
    assert value(kernel, 'results.stringColumn("status").countOccurrences("ok")') == "2"
    assert value(kernel, 'results.stringColumn("error").get(9)') == (
        "not sent: --max-cost $0.01 reached (≈ $0.01 spent); not started")
    assert "spent: 4 prompt + 6 completion tokens ≈ $0.01 (--price)" in text_of(msgs), text_of(msgs)
    reply, _ = kernel.execute("%%fanout --max-cost 1\nhello")
    assert "--max-cost needs a price for sandbox-echo" in reply["content"]["evalue"], reply["content"]
