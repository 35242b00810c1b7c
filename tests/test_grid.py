"""Prompt × model × parameter grids seen through Jupyter's own client: one fan-out over the cross
product, a row per input and variant, figures by variant, the pivot, and the cache."""
from conftest import text_of


def value(kernel, expr):
    return text_of(kernel.ok(expr), kinds=("execute_result",)).strip().strip('"')


def sent(kernel):
    return int(value(kernel, 'dev.chorus.magics.Chorus.sandbox().stats().requests("chat")'))


def fresh(kernel):
    kernel.ok("%sandbox stop")
    kernel.ok("%sandbox start")
    kernel.ok("%client --new")
    kernel.ok('List<String> cities = List.of("Oslo", "Lima", "Rome");')


def test_models_parameters_and_templates_make_one_cross_product(kernel):
    fresh(kernel)
    msgs = kernel.ok("%%fanout --over cities --models small,large --vary temperature=0,0.7 --concurrency 8\n"
                     "Name a landmark in {it}.\n---\nOne word for {it}.")
    shown = text_of(msgs)
    assert "24 items: 24 ok" in shown, shown
    assert sent(kernel) == 24
    assert "by variant:" in shown and "prompt 2 · large · temperature=0.7: 3 of 3 ok (100%)" in shown, shown
    names = value(kernel, 'String.join(",", results.columnNames())')
    assert names.startswith("it,input,model,temperature,variant,prompt,answer,status,"), names
    assert value(kernel, "results.rowCount()") == "24"
    # input-major: the eight variants of Oslo first, in grid order
    assert value(kernel, 'String.join("|", results.stringColumn("variant").asList().subList(0, 3))') == \
        "prompt 1 · small · temperature=0|prompt 1 · small · temperature=0.7|prompt 1 · large · temperature=0"
    assert value(kernel, 'results.stringColumn("prompt").get(4)') == "One word for Oslo."
    assert value(kernel, 'results.stringColumn("it").get(8)') == "Lima"

    reply, _ = kernel.execute("%table results --where temperature=0 --pivot model")
    assert "input 0 has more than one row for model small (pivot by variant" in reply["content"]["evalue"]
    kernel.ok("%%fanout --over cities --models small,large --out byModel\nName a landmark in {it}.")
    pivot = text_of(kernel.ok("%table byModel --pivot model --columns it,small,large"))
    lines = pivot.strip().splitlines()
    assert lines[1].split() == ["it", "small", "large"], lines
    assert len(lines) == 5 and lines[2].startswith("Oslo"), lines
    assert "Echo: Name a landmark in Oslo." in pivot, pivot
    tokens = text_of(kernel.ok("%table results --pivot variant --value completion_tokens"))
    assert "3 rows × 10 columns" in tokens, tokens

    assert sent(kernel) == 30
    again = text_of(kernel.ok("%%fanout --over cities --models small,large --vary temperature=0,0.7 --concurrency 8\n"
                              "Name a landmark in {it}.\n---\nOne word for {it}."))
    assert "24 of 24 from cache" in again, again
    assert sent(kernel) == 30


def test_grid_arguments_are_checked(kernel):
    fresh(kernel)
    for code, message in [
        ("%%fanout --over cities --vary temperature\n{it}", "--vary expects NAME=V1,V2"),
        ("%%fanout --over cities --vary temperature=hot\n{it}", "--vary temperature expects numbers, got 'hot'"),
        ("%%fanout --over cities --vary model=a,b\n{it}", "--vary model: use --models for models"),
        ("%%fanout --models a,b --prompts xs\nhello", "--prompts gives templates for the rows of --over"),
        ("%table results --pivot model", "--pivot needs the result table of a grid"),
    ]:
        kernel.ok("%%fanout\nplain") if "pivot" in code else None
        reply, _ = kernel.execute(code)
        assert reply["content"]["status"] == "error", code
        assert message in reply["content"]["evalue"], (code, reply["content"]["evalue"])


def test_prompts_from_a_variable_and_lines_with_models(kernel):
    fresh(kernel)
    kernel.ok('List<String> asks = List.of("Capital of {it}?", "Weather in {it}?");')
    kernel.ok("%%fanout --over cities --prompts asks --vary seed=1,2\n")
    assert value(kernel, "results.rowCount()") == "12"
    assert value(kernel, 'results.stringColumn("variant").get(3)') == "prompt 2 · seed=2"
    kernel.ok("%%fanout --models m1,m2\nfirst\nsecond")
    assert value(kernel, 'String.join(",", results.stringColumn("model").asList())') == "m1,m2,m1,m2"
