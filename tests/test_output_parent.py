"""Output goes to the cell that caused it: a thread a cell started, and a task a cell submitted to a
pool made in an earlier cell, print under that cell while later cells run (checked through the
stream messages' parent_header, as a notebook front end files them)."""
import time

BOUND = 20


def streams_by_parent(kernel, seconds):
    """text/plain of every stdout stream message arriving within the given time, by parent msg_id."""
    out = {}
    for m in kernel.iopub_drain(seconds):
        if m["msg_type"] == "stream" and m["content"]["name"] == "stdout":
            pid = m["parent_header"].get("msg_id")
            out[pid] = out.get(pid, "") + m["content"]["text"]
    return out


def test_a_thread_a_cell_started_prints_under_that_cell_while_the_next_runs(kernel):
    a = kernel.kc.execute('new Thread(() -> { try { Thread.sleep(400); } catch (InterruptedException e) { }'
                          ' System.out.println("late from A"); }).start();')
    b = kernel.kc.execute("Thread.sleep(1200);")
    kernel.reply_to(a, BOUND)
    kernel.reply_to(b, BOUND)
    by_parent = streams_by_parent(kernel, 1.0)
    assert "late from A" in by_parent.get(a, ""), by_parent
    assert "late from A" not in by_parent.get(b, ""), by_parent


def test_tasks_print_under_the_cell_that_submitted_them_not_the_one_that_made_the_pool(kernel):
    kernel.ok("var pool = java.util.concurrent.Executors.newFixedThreadPool(2);\n"
              "pool.submit(() -> 1).get(); pool.submit(() -> 2).get();")
    code = ('pool.submit(() -> { Thread.sleep(300); System.out.println("task of C"); return 1; });\n'
            'pool.execute(() -> { try { Thread.sleep(300); } catch (InterruptedException e) { }'
            ' System.out.println("runnable of C"); });\n'
            'java.util.concurrent.CompletableFuture.runAsync(() -> { try { Thread.sleep(300); }'
            ' catch (InterruptedException e) { } System.out.println("async of C"); });')
    c = kernel.kc.execute(code)
    d = kernel.kc.execute("Thread.sleep(1200);")
    kernel.reply_to(c, BOUND)
    kernel.reply_to(d, BOUND)
    by_parent = streams_by_parent(kernel, 1.0)
    for line in ("task of C", "runnable of C", "async of C"):
        assert line in by_parent.get(c, ""), (line, by_parent)
    assert not by_parent.get(d), by_parent
    kernel.ok("pool.shutdown();")
