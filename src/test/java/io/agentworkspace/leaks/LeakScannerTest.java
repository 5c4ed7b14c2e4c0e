package io.agentworkspace.leaks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scanner finds planted leaks, including in binary files, and leaves the legitimate places alone. */
class LeakScannerTest {

    @TempDir
    Path root;

    private static final String TOKEN = "aw_0123456789abcdef." + "Q".repeat(43);
    private static final String CANARY = "test-only-canary-" + "v4lue";

    @Test
    void findsCanariesAndKnownFormatsButNotTheirLegitimatePlaces() throws IOException {
        Path log = write("target/failsafe-reports/SomeIT-output.txt", "line one\nuser set " + CANARY + " here\n");
        Path binary = root.resolve("target/agent-it-1/db/agent.mv.db");
        Files.createDirectories(binary.getParent());
        Files.write(binary, concat(new byte[] {0, 1, 2, (byte) 0xff}, ("x" + CANARY).getBytes(), new byte[] {0}));
        Path leakedToken = write("target/failsafe-reports/OtherIT-output.txt", "Authorization: Bearer " + TOKEN);
        Path issuance = write("target/api-captures/1-1.txt", "POST /api/tokens\n{\"token\":\"" + TOKEN + "\"}");
        Path listing = write("target/api-captures/1-2.txt", "GET /api/tokens\n{\"token\":\"" + TOKEN + "\"}");
        Path bootstrap = write("target/agent-it-1/admin-token", TOKEN);
        Path openAiKey = write("src/main/resources/oops.properties", "key=sk-" + "a".repeat(40));
        Path clean = write("target/failsafe-reports/CleanIT-output.txt", "nothing to see, sk-short, aw_notatoken");

        List<LeakScanner.Hit> hits = new LeakScanner(List.of(CANARY))
                .scan(List.of(log, binary, leakedToken, issuance, listing, bootstrap, openAiKey, clean));

        assertThat(hits).extracting(LeakScanner.Hit::file)
                .containsExactlyInAnyOrder(log, binary, leakedToken, listing, openAiKey);
        assertThat(hits.stream().filter(hit -> hit.file().equals(log)).findFirst().orElseThrow().line()).isEqualTo(2);
        assertThat(hits).allSatisfy(hit -> assertThat(hit.toString()).doesNotContain(CANARY).doesNotContain(TOKEN));
    }

    @Test
    void readsTheCanariesTheTestsRegistered() throws IOException {
        write("target/leak-canaries/canaries-1.txt", java.util.Base64.getEncoder().encodeToString(CANARY.getBytes()) + "\n");
        assertThat(LeakScanner.readCanaries(root.resolve("target/leak-canaries"))).containsExactly(CANARY);
    }

    private Path write(String relative, String content) throws IOException {
        Path file = root.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        return file;
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] all = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }
}
