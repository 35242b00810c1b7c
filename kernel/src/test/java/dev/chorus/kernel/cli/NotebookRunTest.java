package dev.chorus.kernel.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code chorus run}, in-process: notebooks and scripts executed headless. */
class NotebookRunTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private static String notebook(String... cells) {
        StringBuilder sb = new StringBuilder("{\"nbformat\":4,\"nbformat_minor\":5,\"metadata\":{},\"cells\":[");
        sb.append("{\"cell_type\":\"markdown\",\"metadata\":{},\"source\":[\"# Title\"]}");
        for (String c : cells) {
            sb.append(",{\"cell_type\":\"code\",\"metadata\":{},\"execution_count\":null,\"outputs\":[],\"source\":")
                    .append(new com.fasterxml.jackson.databind.node.TextNode(c)).append('}');
        }
        return sb.append("]}").toString();
    }

    @Test
    void runsANotebookAndWritesItsOutputs(@TempDir Path dir) throws Exception {
        Path nb = dir.resolve("demo.ipynb");
        Files.writeString(nb, notebook(
                "int x = 2;",
                "System.out.println(\"hi \" + x);\nx * 21",
                "display(\"shown\");"));
        Path executed = dir.resolve("out/demo.ipynb");
        int status = run("run", nb.toString(), "--out", executed.toString());
        assertEquals(0, status, err.toString());

        JsonNode cells = new ObjectMapper().readTree(executed.toFile()).get("cells");
        assertEquals("markdown", cells.get(0).get("cell_type").asText());
        JsonNode second = cells.get(2);
        assertEquals(2, second.get("execution_count").asInt());
        assertEquals("stream", second.get("outputs").get(0).get("output_type").asText());
        assertEquals("stdout", second.get("outputs").get(0).get("name").asText());
        assertEquals("hi 2\n", second.get("outputs").get(0).get("text").asText());
        assertEquals("execute_result", second.get("outputs").get(1).get("output_type").asText());
        assertEquals("42", second.get("outputs").get(1).get("data").get("text/plain").asText());
        JsonNode third = cells.get(3).get("outputs").get(0);
        assertEquals("display_data", third.get("output_type").asText());
        assertTrue(third.get("data").get("text/plain").asText().contains("shown"));
        assertTrue(out.toString().matches("\\[1/3] ok \\d+ ms\n\\[2/3] ok \\d+ ms\n\\[3/3] ok \\d+ ms\n"), out.toString());
    }

    @Test
    void verboseEchoesEveryOutputOnceBeforeItsProgressLine(@TempDir Path dir) throws Exception {
        Path nb = dir.resolve("verbose.ipynb");
        Files.writeString(nb, notebook(
                "System.out.println(\"hi\");\n21 * 2",
                "System.out.print(\"no newline\");\nString shownId = display(\"shown\");"));
        int status = run("run", nb.toString(), "--verbose");
        assertEquals(0, status, err.toString());
        String text = out.toString().replaceAll("ok \\d+ ms", "ok T ms");
        assertEquals("hi\n42\n[1/2] ok T ms\nno newline\nshown\n[2/2] ok T ms\n", text);
    }

    @Test
    void stopsAtTheFirstFailingCellNamingIt(@TempDir Path dir) throws Exception {
        Path nb = dir.resolve("fails.ipynb");
        Files.writeString(nb, notebook(
                "int ok = 1;",
                "throw new IllegalArgumentException(\"bad cell\");",
                "System.out.println(\"never\");"));
        Path executed = dir.resolve("fails.out.ipynb");
        int status = run("run", nb.toString(), "--out", executed.toString());
        assertEquals(1, status);
        assertTrue(err.toString().startsWith("Cell 3 failed: IllegalArgumentException: bad cell\n"), err.toString());
        assertTrue(out.toString().matches("\\[1/3] ok \\d+ ms\n\\[2/3] failed \\d+ ms\n"), out.toString());
        JsonNode cells = new ObjectMapper().readTree(executed.toFile()).get("cells");
        JsonNode error = cells.get(2).get("outputs").get(0);
        assertEquals("error", error.get("output_type").asText());
        assertEquals("IllegalArgumentException", error.get("ename").asText());
        assertEquals("bad cell", error.get("evalue").asText());
        assertEquals(0, cells.get(3).get("outputs").size());
        assertTrue(!out.toString().contains("never"));
    }

    @Test
    void runsAScript(@TempDir Path dir) throws Exception {
        Path jsh = dir.resolve("script.jsh");
        Files.writeString(jsh, "var names = java.util.List.of(\"a\", \"b\");\nfor (var n : names) System.out.println(\"item \" + n);\n");
        int status = run("run", jsh.toString());
        assertEquals(0, status, err.toString());
        assertTrue(out.toString().matches("\\[1/1] ok \\d+ ms\n"), out.toString());
    }

    @Test
    void missingFileAndBadArguments(@TempDir Path dir) {
        assertEquals(1, run("run", dir.resolve("nope.ipynb").toString()));
        assertEquals("chorus run: no such file '" + dir.resolve("nope.ipynb") + "'\n", err.toString());
        err.reset();
        assertEquals(2, run("run"));
        assertTrue(err.toString().startsWith("chorus: run: missing FILE\nUsage: chorus COMMAND"), err.toString());
    }
}
