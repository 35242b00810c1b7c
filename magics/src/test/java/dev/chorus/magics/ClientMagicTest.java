package dev.chorus.magics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chorus.client.ChatClient;
import dev.chorus.sandbox.Sandbox;
import java.util.List;
import java.util.Map;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.mime.MIMEType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class ClientMagicTest {
    private final Session session = new Session();
    private final RecordingNotebook notebook = new RecordingNotebook();
    private final ClientMagic magic = new ClientMagic(session);

    @AfterEach
    void close() {
        session.close();
    }

    private static String text(DisplayData d) {
        return (String) d.getData(MIMEType.TEXT_PLAIN);
    }

    @Test
    void withNothingConfiguredStartsTheSandboxAndBindsClient() throws Exception {
        session.env(Map.of());
        DisplayData d = magic.run(notebook, List.of());
        assertNotNull(session.sandbox());
        assertTrue(text(d).contains("from: sandbox: no EVOLUTION_* or OPENAI_* variables set, so the embedded sandbox answers on "
                + session.sandbox().baseUrl()), text(d));
        assertTrue(d.getData(MIMEType.TEXT_HTML).toString().startsWith("<pre"));
        assertSame(session.client(), notebook.variables.get("client"));
        assertEquals("dev.chorus.client.ChatClient", notebook.types.get("client"));
        assertFalse(text(d).contains(session.sandbox().secret()), "the secret is masked");
        assertEquals("sandbox-echo", session.defaults().model());
    }

    @Test
    void aloneShowsTheSetupAndNewReplacesAndClosesTheOldClient() throws Exception {
        session.env(Map.of());
        magic.run(notebook, List.of());
        ChatClient first = session.client();
        DisplayData shown = magic.run(notebook, List.of());
        assertSame(first, session.client());
        assertTrue(text(shown).startsWith("client: ChatClient[baseUrl="), text(shown));
        magic.run(notebook, List.of("--new", "--concurrency", "4", "--timeout", "5s"));
        assertFalse(first == session.client());
        assertEquals(4, session.defaults().concurrency());
        assertTrue(ClientMagic.describe(session).contains("concurrency 4, rps unlimited, retries 2, timeout 5s"),
                ClientMagic.describe(session));
    }

    @Test
    void explicitCredentialsFromTheEnvironmentAreMasked() throws Exception {
        try (Sandbox sb = Sandbox.start()) {
            session.env(Map.of("SB_SECRET", sb.secret(), "SB_KEY", sb.keyId()));
            DisplayData d = magic.run(notebook, List.of("--base-url", sb.baseUrl(), "--key-id", "$SB_KEY",
                    "--secret", "$SB_SECRET", "--token-url", sb.tokenUrl(), "--model", "default"));
            String all = text(d) + d.getData(MIMEType.TEXT_HTML);
            assertFalse(all.contains(sb.secret()), all);
            assertTrue(all.contains("from: %client options"), all);
            assertEquals("Echo: hi", session.client().chat().completions()
                    .create(dev.chorus.client.ChatRequest.builder().model("default").user("hi").build()).content());
        }
    }

    @Test
    void argumentErrors() throws Exception {
        session.env(Map.of());
        assertEquals("Failed to process '%client --key-id abc': --key-id needs --secret",
                assertThrows(MagicException.class, () -> magic.run(notebook, List.of("--key-id", "abc"))).headline());
        assertEquals("Failed to process '%client --key-id a --secret *** --api-key ***': use either --key-id/--secret or --api-key, not both",
                assertThrows(MagicException.class, () -> magic.run(notebook,
                        List.of("--key-id", "a", "--secret", "topsecret", "--api-key", "k"))).headline());
        assertEquals("Failed to process '%client --secret *** --key-id x': ChatClient needs a base URL: call baseUrl(...) or set EVOLUTION_BASE_URL / OPENAI_BASE_URL and use fromEnv()",
                assertThrows(MagicException.class, () -> magic.run(notebook,
                        List.of("--secret", "topsecret", "--key-id", "x"))).headline());
        assertEquals(null, session.client(), "nothing was created");
    }

    @Test
    void halfConfiguredEnvironmentIsReported() throws Exception {
        session.env(Map.of("EVOLUTION_KEY_ID", "abc"));
        assertEquals("Failed to process '%client': EVOLUTION_KEY_ID is set but EVOLUTION_SECRET is not",
                assertThrows(MagicException.class, () -> magic.run(notebook, List.of())).headline());
    }

    @Test
    void helpShowsUsage() throws Exception {
        assertEquals(magic.usage(), text(magic.run(notebook, List.of("--help"))));
    }

    @Test
    void aQuestionMarkAsksForTheValueAndTheSecretIsNeverShown() throws Exception {
        session.env(Map.of());
        try (Sandbox sb = Sandbox.start()) {
            notebook.answers.add(sb.keyId());
            notebook.answers.add(sb.secret());
            DisplayData d = magic.run(notebook, List.of("--base-url", sb.baseUrl(), "--token-url", sb.tokenUrl(),
                    "--key-id", "?", "--secret", "?", "--model", "sandbox-echo"));
            assertEquals(List.of("Evolution key id: ", "Evolution secret:  (secret)"), notebook.asked);
            assertEquals("Echo: hi", session.client().chat().completions()
                    .create(dev.chorus.client.ChatRequest.builder().user("hi").build()).content());
            assertFalse(text(d).contains(sb.secret()), text(d));
            assertFalse(notebook.allText().contains(sb.secret()));

            notebook.answers.add("  ");
            assertEquals("Failed to process '%client --api-key ? --new': --api-key ?: nothing was entered",
                    assertThrows(MagicException.class, () -> magic.run(notebook, List.of("--api-key", "?", "--new")))
                            .headline());
            assertEquals("Failed to process '%client --api-key ? --new': --api-key ?: input is not available: no answer scripted",
                    assertThrows(MagicException.class, () -> magic.run(notebook, List.of("--api-key", "?", "--new")))
                            .headline());
            assertEquals("Failed to process '%client --api-key ?': --api-key ?: only the %client magic can ask; pass the value or $NAME",
                    assertThrows(MagicException.class, () -> Chorus.client("--api-key ?")).headline());
        }
    }
}
