"""Structured results seen through Jupyter's own client: a record defined in a cell is the schema
of %%fanout and %%prompt; the table gets typed columns, invalid answers are rows, a server
without json_schema is asked with json_object, and %table filters the typed columns."""
from conftest import text_of

REVIEW = """
enum Mood { HAPPY, MIXED, ANGRY }
record Review(String summary, int stars, double score, boolean recommend, Mood mood,
              java.time.LocalDate visited, java.util.Optional<String> reply, java.util.List<String> tags) {}
List<String> texts = List.of("The soup was cold but the staff were lovely",
                             "Best pizza in town, will come back",
                             "Waited an hour for a burnt steak",
                             "Fine coffee, loud music");
"""


def start(kernel, sandbox="%sandbox start"):
    """A new sandbox with the given behaviour (a new port: no answer cached by an earlier test), a
    fresh client, and the Review record."""
    kernel.ok("%sandbox stop")
    kernel.ok(sandbox)
    kernel.ok("%client --new")
    kernel.ok(REVIEW)


def value(kernel, expr):
    return text_of(kernel.ok(expr), kinds=("execute_result",)).strip().strip('"')


def test_a_record_in_a_cell_gives_typed_columns(kernel, tmp_path):
    start(kernel, "%sandbox start --latency 0ms")
    msgs = kernel.ok("%%fanout --over texts --schema Review --concurrency 4\nReview this visit: {it}")
    shown = text_of(msgs)
    assert "4 items: 4 ok, 0 failed" in shown, shown
    names = value(kernel, 'String.join(",", results.columnNames())')
    assert names == ("it,prompt,summary,stars,score,recommend,mood,visited,reply,tags,status,error,raw,cached,"
                     "latency_ms,attempts,prompt_tokens,completion_tokens,start_ms,end_ms"), names
    types = value(kernel, 'String.join(",", java.util.stream.Stream.of("summary","stars","score","recommend",'
                          '"mood","visited","reply","tags").map(c -> results.column(c).type().name()).toList())')
    assert types == "STRING,INTEGER,DOUBLE,BOOLEAN,STRING,LOCAL_DATE,STRING,STRING", types
    moods = value(kernel, 'String.join(",", new java.util.TreeSet<>(results.stringColumn("mood").asList()))')
    assert set(moods.split(",")) <= {"HAPPY", "MIXED", "ANGRY"}, moods
    assert value(kernel, 'results.stringColumn("raw").get(0).startsWith("{")') == "true"
    # Numeric comparisons on a typed column.
    above = int(value(kernel, 'results.intColumn("stars").isGreaterThan(50).size()'))
    out = tmp_path / "filtered.csv"
    kernel.ok(f"%table results --where stars>50 --columns stars,mood --export {out}")
    with open(out) as f:
        lines = f.read().strip().splitlines()
    assert lines[0] == "stars,mood" and len(lines) == 1 + above, lines
    assert all(int(line.split(",")[0]) > 50 for line in lines[1:]), lines
    reply, _ = kernel.execute("%table results --where mood>3")
    assert reply["content"]["status"] == "error"
    assert "compares number and date columns; mood holds text" in reply["content"]["evalue"], reply["content"]


def test_an_answer_that_stays_invalid_is_a_row_with_its_raw_text(kernel):
    start(kernel, "%sandbox start --fail-rate 1 --faults invalid-json")
    msgs = kernel.ok("%%fanout --over texts --schema Review --retries 1\n{it}")
    assert "4 items: 0 ok, 0 failed, 4 invalid, 0 timed out" in text_of(msgs), text_of(msgs)
    assert value(kernel, 'results.stringColumn("status").countOccurrences("invalid")') == "4"
    assert value(kernel, 'results.intColumn("attempts").get(0)') == "2"
    assert value(kernel, 'results.stringColumn("raw").isMissing().size()') == "0"
    error = value(kernel, 'results.stringColumn("error").get(0)')
    assert error.startswith("not JSON (") or error.startswith("required property 'summary' not found") \
        or error.startswith("at /summary: "), error


def test_invalid_answers_are_asked_again_until_valid(kernel):
    start(kernel, "%sandbox start --fail-rate 0.5 --faults invalid-json --seed 3")
    msgs = kernel.ok("%%fanout --over texts --schema Review --retries 8\n{it}")
    assert "4 items: 4 ok" in text_of(msgs), text_of(msgs)
    assert float(value(kernel, 'results.intColumn("attempts").sum()')) > 4


def test_a_server_without_json_schema_gets_json_object(kernel):
    start(kernel, "%sandbox start --no-json-schema")
    msgs = kernel.ok("%%fanout --over texts --schema Review\n{it}")
    shown = text_of(msgs)
    assert "4 items: 4 ok" in shown, shown
    assert shown.count("the server refused response_format json_schema") == 1, shown


def test_prompt_binds_an_instance_of_the_record(kernel):
    start(kernel)
    msgs = kernel.ok("%%prompt --schema Review --out r\nReview: a quiet hotel by the sea")
    shown = text_of(msgs)
    assert "summary" in shown and "1 request" in shown, shown
    assert value(kernel, "r.getClass().getSimpleName()") == "Review"
    assert value(kernel, "r.stars() >= 0 && r.mood() != null") == "true"


def test_a_json_schema_in_a_variable_and_a_bad_schema(kernel):
    kernel.ok("%sandbox start")
    kernel.ok("%client --new")
    kernel.ok('String ticket = """\n{"type": "object", "properties": {"topic": {"type": "string", "enum": ["billing", "bug"]},'
              ' "urgency": {"type": "integer", "minimum": 1, "maximum": 5}}, "required": ["topic"]}\n""";')
    kernel.ok("%%fanout --schema ticket\nmy invoice is wrong\nthe app crashes")
    assert value(kernel, 'results.column("urgency").type().name()') == "LONG"
    kernel.ok("%%prompt --schema ticket --out t\nthe app crashes")
    assert value(kernel, 't.get("topic") instanceof String') == "true"
    reply, _ = kernel.execute("%%fanout --schema Nope\nhello")
    assert reply["content"]["status"] == "error"
    assert "--schema Nope: no record, class or enum of that name" in reply["content"]["evalue"], reply["content"]


def test_the_java_twin_returns_the_table_and_the_records(kernel):
    start(kernel)
    kernel.ok('var res = dev.chorus.magics.Chorus.fanout("Review: {it}", texts, Review.class, "--concurrency 2");')
    assert value(kernel, "res.values().size()") == "4"
    assert value(kernel, "res.values().get(0).getClass().getSimpleName()") == "Review"
    assert value(kernel, 'res.table().column("stars").type().name()') == "INTEGER"


def test_a_checkpoint_resumes_structured_rows(kernel, tmp_path):
    start(kernel)
    ckpt = tmp_path / "reviews.jsonl"
    kernel.ok(f"%%fanout --over texts --schema Review --checkpoint {ckpt}\n{{it}}")
    first = value(kernel, 'String.join("|", results.stringColumn("summary").asList())')
    msgs = kernel.ok(f"%%fanout --over texts --schema Review --checkpoint {ckpt}\n{{it}}")
    assert "4 resumed" in text_of(msgs), text_of(msgs)
    assert value(kernel, 'String.join("|", results.stringColumn("summary").asList())') == first
    assert value(kernel, 'results.column("stars").type().name()') == "INTEGER"


def test_a_background_fanout_fills_typed_columns(kernel):
    import time
    start(kernel, "%sandbox start --latency 50ms")
    kernel.ok("%%fanout --over texts --schema Review --background --concurrency 2 --out later\n{it}")
    deadline = time.monotonic() + 30
    while value(kernel, 'later.stringColumn("status").countOccurrences("ok")') != "4":
        assert time.monotonic() < deadline, "the background run did not finish"
        time.sleep(0.2)
    assert value(kernel, 'later.column("visited").type().name()') == "LOCAL_DATE"
    assert value(kernel, "later.dateColumn(\"visited\").isMissing().size()") == "0"


def test_a_json_file_schema_and_a_field_named_like_a_result_column(kernel, tmp_path):
    start(kernel)
    schema = tmp_path / "verdict.json"
    schema.write_text('{"type": "object", "properties": {"status": {"type": "string", "enum": ["open", "closed"]},'
                      ' "error": {"type": "boolean"}, "score": {"type": "number"}}, "required": ["status", "error"]}')
    msgs = kernel.ok(f"%%fanout --schema {schema}\nfirst ticket\nsecond ticket")
    assert "2 items: 2 ok" in text_of(msgs), text_of(msgs)
    names = value(kernel, 'String.join(",", results.columnNames())')
    assert names.startswith("prompt,field_status,field_error,score,status,error,raw,cached,"), names
    assert value(kernel, 'results.column("field_error").type().name()') == "BOOLEAN"
    kernel.ok("record Answer(String prompt, int attempts) {}")
    kernel.ok("%%fanout --schema Answer\nx")
    assert value(kernel, 'String.join(",", results.columnNames()).substring(0, 38)') == \
        "prompt,field_prompt,field_attempts,sta"
