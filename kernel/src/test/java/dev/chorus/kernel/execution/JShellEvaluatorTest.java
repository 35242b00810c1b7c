package dev.chorus.kernel.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Evaluation, values, state, errors, completion, inspection and variables of one shared evaluator. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JShellEvaluatorTest {
    private JShellEvaluator evaluator;

    @BeforeAll
    void start() {
        evaluator = JShellEvaluator.start(EvaluatorOptions.defaults());
    }

    @AfterAll
    void close() {
        evaluator.close();
    }

    private Object value(String code) {
        EvalResult r = evaluator.eval(code);
        return assertInstanceOf(EvalResult.Value.class, r, () -> "got " + r).value();
    }

    @Test
    void evaluatesEveryKindOfSnippetInOneCell() {
        Object v = value("""
                import java.util.concurrent.atomic.AtomicLong;
                interface Shape { double area(); }
                record Square(double side) implements Shape { public double area() { return side * side; } }
                enum Colour { RED, GREEN }
                class Counter { final AtomicLong n = new AtomicLong(); long next() { return n.incrementAndGet(); } }
                double total(List<Shape> shapes) {
                    return shapes.stream().mapToDouble(Shape::area).sum();
                }
                var counter = new Counter();
                counter.next();
                total(List.of(new Square(2), new Square(3))) + counter.next() + Colour.GREEN.ordinal()
                """);
        assertEquals(16.0, v);
    }

    @Test
    void returnsTheRealObjectOfTheFinalExpression() {
        EvalResult r = evaluator.eval("var sb = new StringBuilder(\"chorus\");\nsb");
        EvalResult.Value v = assertInstanceOf(EvalResult.Value.class, r);
        assertInstanceOf(StringBuilder.class, v.value());
        assertEquals("StringBuilder", v.typeName());
        StringBuilder same = (StringBuilder) v.value();
        same.append("!");
        assertEquals("chorus!", value("sb.toString()"));
    }

    @Test
    void declarationsAndVoidCallsHaveNoValue() {
        assertInstanceOf(EvalResult.NoValue.class, evaluator.eval("int declaredOnly = 3;"));
        assertInstanceOf(EvalResult.NoValue.class, evaluator.eval("void nothing() {}\nnothing()"));
        assertInstanceOf(EvalResult.NoValue.class, evaluator.eval("System.out.print(\"\")"));
        assertInstanceOf(EvalResult.NoValue.class, evaluator.eval("  \n // only a comment\n"));
    }

    @Test
    void keepsStateAcrossCellsAndRedefines() {
        evaluator.eval("int bump(int x) { return x + 1; }");
        evaluator.eval("int twiceBumped(int x) { return bump(bump(x)); }");
        assertEquals(3, value("twiceBumped(1)"));
        evaluator.eval("int bump(int x) { return x * 10; }");
        assertEquals(100, value("twiceBumped(1)"));
        evaluator.eval("class Box { int v() { return 1; } }");
        evaluator.eval("class Box { int v() { return 2; } }");
        assertEquals(2, value("new Box().v()"));
        evaluator.eval("int counterCell = 1;");
        evaluator.eval("counterCell += 4;");
        assertEquals(5, value("counterCell"));
    }

    @Test
    void forwardReferencesWithinACellResolve() {
        Object v = value("""
                boolean isEven(int n) { return n == 0 || isOdd(n - 1); }
                boolean isOdd(int n) { return n != 0 && isEven(n - 1); }
                sealed interface Animal permits Cat, Dog {}
                record Cat() implements Animal {}
                record Dog() implements Animal {}
                Animal pet = new Dog();
                (isEven(10) ? "even " : "odd ") + switch (pet) { case Cat c -> "cat"; case Dog d -> "dog"; }""");
        assertEquals("even dog", v);
    }

    @Test
    void runtimeMessagesAndTypesHideJShellWrapperNames() {
        evaluator.eval("class NotebookProblem extends RuntimeException { NotebookProblem(String m) { super(m); } }");
        EvalResult r = evaluator.eval("String nothing = null;\nnothing.length()");
        EvalResult.RuntimeError npe = assertInstanceOf(EvalResult.RuntimeError.class, r);
        assertEquals("Cannot invoke \"String.length()\" because \"nothing\" is null", npe.message());
        EvalResult.RuntimeError own = assertInstanceOf(EvalResult.RuntimeError.class,
                evaluator.eval("throw new NotebookProblem(\"mine\");"));
        assertEquals("NotebookProblem", own.type());
        assertEquals("NotebookProblem: mine", own.traceLines().get(0));
    }

    @Test
    void compileErrorShowsLineSourceCaretAndMessage() {
        EvalResult r = evaluator.eval("int fine = 1;\nint x = \"a\";");
        EvalResult.CompileError e = assertInstanceOf(EvalResult.CompileError.class, r);
        assertEquals("""
                line 2: int x = "a";
                                ^
                incompatible types: java.lang.String cannot be converted to int""", e.text());
        assertEquals("incompatible types: java.lang.String cannot be converted to int", e.summary());
    }

    @Test
    void compileErrorLineCountsBlankLinesAndComments() {
        EvalResult r = evaluator.eval("\n// setup\nint ok = 1;\n\n  String s = missingThing;\n");
        EvalResult.CompileError e = assertInstanceOf(EvalResult.CompileError.class, r);
        assertEquals("""
                line 5:   String s = missingThing;
                                     ^
                cannot find symbol
                  symbol:   variable missingThing""", e.text());
        assertEquals("cannot find symbol (symbol: variable missingThing)", e.summary());
    }

    @Test
    void unresolvedReferenceIsReportedClearly() {
        EvalResult r = evaluator.eval("void setLater() { notYetDeclared = 1; }");
        EvalResult.CompileError e = assertInstanceOf(EvalResult.CompileError.class, r);
        assertEquals("""
                line 1: void setLater() { notYetDeclared = 1; }
                        ^
                method setLater() is declared, but it cannot be used until variable notYetDeclared is declared""",
                e.text());
        EvalResult call = evaluator.eval("setLater()");
        EvalResult.RuntimeError re = assertInstanceOf(EvalResult.RuntimeError.class, call);
        assertEquals("method setLater() cannot be used until variable notYetDeclared is declared", re.message());
        evaluator.eval("int notYetDeclared = 0;");
        assertInstanceOf(EvalResult.NoValue.class, evaluator.eval("setLater()"));
    }

    @Test
    void runtimeErrorKeepsTheRealThrowableAndOnlyNotebookFrames() {
        evaluator.eval("record Wrapped(String m) {}\nRuntimeException wrap(Throwable t) { return new RuntimeException(\"outer\", t); }");
        EvalResult r = evaluator.eval("""
                Object o = "text";
                throw wrap(new IllegalStateException("inner"));
                """);
        EvalResult.RuntimeError e = assertInstanceOf(EvalResult.RuntimeError.class, r);
        assertEquals("java.lang.RuntimeException", e.type());
        assertEquals("outer", e.message());
        assertInstanceOf(IllegalStateException.class, e.throwable().getCause());
        assertEquals("inner", e.throwable().getCause().getMessage());
        assertEquals("java.lang.RuntimeException: outer", e.traceLines().get(0));
        assertTrue(e.traceLines().contains("Caused by: java.lang.IllegalStateException: inner"), e.text());
        assertTrue(e.traceLines().contains("    at line 2"), e.text());
        assertTrue(e.traceLines().stream().noneMatch(l -> l.contains("JShell") || l.contains("dev.chorus")
                || l.contains("java.base") || l.contains("reflect")), e.text());
    }

    @Test
    void setOfCallbacksAndBindGetRoundTripOfALiveObject() {
        List<Integer> live = new ArrayList<>(List.of(1));
        evaluator.bind("shared", "java.util.List<Integer>", live);
        assertSame(live, value("shared"));
        evaluator.eval("shared.add(2);");
        assertEquals(List.of(1, 2), live);
        assertSame(live, evaluator.get("shared"));
        assertTrue(evaluator.variableNames().contains("shared"));
        evaluator.bind("shared", "int", 7);
        assertEquals(8, value("shared + 1"));
        evaluator.bind("untyped", null, new StringBuilder("u"));
        assertEquals("StringBuilder", ((EvalResult.Value) evaluator.eval("untyped")).typeName());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> evaluator.bind("wrong", "NoSuchType", 1));
        assertEquals("cannot bind 'wrong' as NoSuchType: cannot find symbol (symbol: class NoSuchType)", bad.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> evaluator.get("nope"));
        assertEquals("no notebook variable named 'nope'", missing.getMessage());
    }

    @Test
    void bindingTheSameNameAndTypeAgainSetsTheVariableThatEarlierCellsSee() {
        evaluator.bind("rebound", "StringBuilder", new StringBuilder("first"));
        evaluator.eval("String shown() { return rebound.toString(); }");
        StringBuilder second = new StringBuilder("second");
        evaluator.bind("rebound", "StringBuilder", second);
        assertSame(second, evaluator.get("rebound"));
        assertEquals("second", value("shown()"), "a method compiled before sees the new value");
        // Redeclared by a cell with another type: the next bind declares it again, as a StringBuilder.
        evaluator.eval("int rebound = 3;");
        evaluator.bind("rebound", "StringBuilder", new StringBuilder("third"));
        assertEquals("third", value("rebound.toString()"));
        assertEquals("third", value("shown()"));
        // A value of another class than the declared type is declared anew, not forced into the field.
        evaluator.bind("rebound", "Object", 42);
        assertEquals(42, value("rebound"));
    }

    @Test
    void bindAndGetFromInsideARunningCell() {
        evaluator.bind("self", JShellEvaluator.class.getName(), evaluator);
        evaluator.eval("int insideSource = 41;");
        Object v = value("self.bind(\"fromCell\", \"String\", \"queued\");\n(int) self.get(\"insideSource\") + 1");
        assertEquals(42, v);
        assertEquals("queued", value("fromCell"));
        EvalResult r = evaluator.eval("self.eval(\"1\")");
        EvalResult.RuntimeError e = assertInstanceOf(EvalResult.RuntimeError.class, r);
        assertEquals("eval cannot be called from code running in a cell: JShell is not re-entrant", e.message());
    }

    @Test
    void completesInTheSnippetUnderTheCursor() {
        evaluator.eval("String word = \"abc\";");
        String code = "int n = 1;\nword.subs";
        JShellEvaluator.Completion c = evaluator.complete(code, code.length());
        assertTrue(c.candidates().contains("substring("), c.toString());
        assertEquals(code.indexOf("subs"), c.start());
        assertEquals(code.length(), c.end());
        String middle = "int a = 1;\nMath.ma\nint b = 2;";
        JShellEvaluator.Completion m = evaluator.complete(middle, middle.indexOf("ma") + 2);
        assertTrue(m.candidates().contains("max("), m.toString());
        assertEquals(middle.indexOf("ma"), m.start());
        String sameCell = "String fresh = \"\"; int k = 2;\nfresh.toUpperC";
        JShellEvaluator.Completion local = evaluator.complete(sameCell, sameCell.length());
        assertTrue(local.candidates().contains("toUpperCase("), local.toString());
        assertEquals(sameCell.indexOf("toUpperC"), local.start());
    }

    @Test
    void inspectsRightAfterAndInsideTheToken() {
        String code = "int y = 2;\nMath.max";
        JShellEvaluator.Inspection after = evaluator.inspect(code, code.length()).orElseThrow();
        assertTrue(after.signature().contains("int Math.max(int a, int b)"), after.signature());
        JShellEvaluator.Inspection inside = evaluator.inspect(code, code.length() - 1).orElseThrow();
        assertTrue(inside.signature().contains("long Math.max(long a, long b)"), inside.signature());
        JShellEvaluator.Inspection type = evaluator.inspect("String", 6).orElseThrow();
        assertEquals("java.lang.String", type.signature());
        assertTrue(evaluator.inspect("   ", 1).isEmpty());
        String sameCell = "StringBuilder local = new StringBuilder();\nlocal.append";
        JShellEvaluator.Inspection method = evaluator.inspect(sameCell, sameCell.length()).orElseThrow();
        assertTrue(method.signature().contains("StringBuilder StringBuilder.append(String str)"), method.signature());
    }

    @Test
    void tellsCompleteIncompleteAndInvalid() {
        assertEquals(JShellEvaluator.Completeness.Status.INVALID, evaluator.isComplete("int 3x = 1;").status());
        JShellEvaluator.Completeness open = evaluator.isComplete("for (int i = 0; i < 3; i++) {");
        assertEquals(JShellEvaluator.Completeness.Status.INCOMPLETE, open.status());
        assertEquals("    ", open.indent());
        assertEquals(JShellEvaluator.Completeness.Status.COMPLETE, evaluator.isComplete("int z = 1;\nz + 1").status());
        assertEquals(JShellEvaluator.Completeness.Status.COMPLETE, evaluator.isComplete("void f() {}\nclass K {}").status());
        assertEquals(JShellEvaluator.Completeness.Status.COMPLETE, evaluator.isComplete("import java.util.*;").status());
        assertEquals(JShellEvaluator.Completeness.Status.COMPLETE, evaluator.isComplete("x").status());
    }

    @Test
    void systemExitIsReportedAndTheKernelKeepsRunning() {
        EvalResult r = evaluator.eval("System.out.print(\"\");\nSystem.exit(3);");
        EvalResult.ExitAttempt x = assertInstanceOf(EvalResult.ExitAttempt.class, r);
        assertEquals(3, x.status());
        assertEquals("System.exit(3) was called; the kernel keeps running", x.message());
        EvalResult halt = evaluator.eval("Runtime.getRuntime().halt(4)");
        assertEquals("Runtime.halt(4) was called; the kernel keeps running",
                assertInstanceOf(EvalResult.ExitAttempt.class, halt).message());
        EvalResult inLambda = evaluator.eval("Runnable quit = () -> Runtime.getRuntime().exit(5);\nquit.run();");
        assertEquals(5, assertInstanceOf(EvalResult.ExitAttempt.class, inLambda).status());
        EvalResult byReference = evaluator.eval("java.util.function.IntConsumer q = System::exit;\nq.accept(6);");
        assertEquals(6, assertInstanceOf(EvalResult.ExitAttempt.class, byReference).status());
        EvalResult swallowed = evaluator.eval("try { System.exit(7); } catch (Exception e) { }");
        assertEquals(7, assertInstanceOf(EvalResult.ExitAttempt.class, swallowed).status());
        assertEquals(2, value("1 + 1"));
    }
    @Test
    void traceNamesCellsAndLinesOfNotebookFramesOnly() {
        try (JShellEvaluator fresh = JShellEvaluator.start(EvaluatorOptions.builder().imports(List.of()).build())) {
            fresh.eval("""
                    int divide(int a) {
                        int unused = 0;
                        return 10 / a;
                    }""");
            fresh.eval("class Runner { int run(java.util.function.IntSupplier s) { return s.getAsInt(); } }");
            EvalResult r = fresh.eval("""
                    int zero = 0;

                    new Runner().run(() ->
                        divide(zero))""");
            EvalResult.RuntimeError e = assertInstanceOf(EvalResult.RuntimeError.class, r);
            assertEquals(List.of(
                    "java.lang.ArithmeticException: / by zero",
                    "    at divide (cell 1, line 3)",
                    "    at lambda (line 4)",
                    "    at Runner.run (cell 2, line 1)",
                    "    at line 3"), e.traceLines());
            assertInstanceOf(ArithmeticException.class, e.throwable());

            fresh.eval("int down(int n) {\n    return down(n + 1);\n}", "7");
            EvalResult deep = fresh.eval("down(0)", "8");
            EvalResult.RuntimeError so = assertInstanceOf(EvalResult.RuntimeError.class, deep);
            assertEquals("java.lang.StackOverflowError", so.type());
            assertEquals(42, so.traceLines().size(), so.text());
            // The overflow strikes either in the method's entry check (line 1) or in the call (line 2).
            assertTrue(so.traceLines().get(1).matches("    at down \\(cell 7, line [12]\\)"), so.traceLines().get(1));
            assertTrue(so.traceLines().get(41).matches("    \\.\\.\\. \\d+ more notebook frames"), so.traceLines().get(41));
        }
    }

    @Test
    void aCellValueLeavesNoTemporaryVariableBehind() {
        for (int i = 0; i < 3; i++) {
            EvalResult r = evaluator.eval("40 + 2");
            assertEquals(42, assertInstanceOf(EvalResult.Value.class, r).value());
        }
        for (int n = 1; n <= 20; n++) {
            String name = "$" + n;
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> evaluator.get(name));
            assertEquals("no notebook variable named '" + name + "'", e.getMessage());
        }
        assertInstanceOf(EvalResult.CompileError.class, evaluator.eval("$2"));
    }

    @Test
    void lastCodeCharSkipsCommentsAndLiterals() {
        assertEquals(';', CellEvaluator.lastCodeChar("list.add(1);  // keep it\n"));
        assertEquals(')', CellEvaluator.lastCodeChar("list.add(1) /* a ; in a comment */"));
        assertEquals('"', CellEvaluator.lastCodeChar("\"a;\""));
        assertEquals('7', CellEvaluator.lastCodeChar("6 * 7\n"));
        assertEquals(';', CellEvaluator.lastCodeChar("String s = \"\"\"\n  x; // not a comment\n  \"\"\";"));
        assertEquals(0, CellEvaluator.lastCodeChar("  // only a comment"));
    }

    @Test
    void aValueWrittenWithItsOwnSemicolonIsMarkedTerminated() {
        EvalResult.Value plain = assertInstanceOf(EvalResult.Value.class, evaluator.eval("6 * 7"));
        assertFalse(plain.terminated());
        EvalResult.Value ended = assertInstanceOf(EvalResult.Value.class, evaluator.eval("6 * 7; // done"));
        assertTrue(ended.terminated());
        assertEquals(42, ended.value());
    }
}
