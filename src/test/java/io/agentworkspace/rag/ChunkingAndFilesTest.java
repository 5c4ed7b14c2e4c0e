package io.agentworkspace.rag;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Chunk boundaries and overlap, git's ignore rules on a real working tree, and the local embedder's behaviour. */
class ChunkingAndFilesTest {

    @TempDir
    Path dir;

    @Test
    void chunksCoverEveryLineWithOverlapAndPreferNaturalBoundaries() {
        String text = IntStream.rangeClosed(1, 100).mapToObj(i -> i == 41 ? "" : i == 42 ? "class Second {" : "    line " + i)
                .collect(Collectors.joining("\n")) + "\n";
        List<Chunker.Chunk> chunks = new Chunker(50, 5, 4000).chunk(text);
        assertThat(chunks.get(0).startLine()).isEqualTo(1);
        assertThat(chunks.get(0).endLine()).as("cut after the blank line before the class").isEqualTo(41);
        assertThat(chunks.get(1).startLine()).as("5 lines of overlap").isEqualTo(37);
        assertThat(chunks.get(chunks.size() - 1).endLine()).isEqualTo(100);
        for (int i = 1; i < chunks.size(); i++) {
            assertThat(chunks.get(i).startLine()).isLessThanOrEqualTo(chunks.get(i - 1).endLine() + 1);
        }
        assertThat(chunks).allSatisfy(chunk -> assertThat(chunk.endLine() - chunk.startLine() + 1).isLessThanOrEqualTo(50));
    }

    @Test
    void longLinesAreCutAndBlankFilesGiveNoChunks() {
        List<Chunker.Chunk> chunks = new Chunker(50, 5, 100).chunk("x".repeat(450) + "\nshort\n");
        assertThat(chunks).allSatisfy(chunk -> assertThat(chunk.text().length()).isLessThanOrEqualTo(100));
        assertThat(String.join("", chunks.stream().map(Chunker.Chunk::text).toList())).contains("short");
        assertThat(new Chunker(50, 5, 100).chunk("\n\n   \n")).isEmpty();
    }

    @Test
    void listsFilesAsGitSeesThemSkippingIgnoredFilesSymlinksAndGitItself() throws Exception {
        Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call().close();
        write(".gitignore", "build/\n*.log\n!keep.log\n");
        write("src/A.java", "class A {}");
        write("src/gen/.gitignore", "*.java\n");
        write("src/gen/B.java", "class B {}");
        write("src/gen/readme.txt", "kept");
        write("build/out.txt", "ignored");
        write("trace.log", "ignored");
        write("keep.log", "kept by negation");
        write(".git/info/exclude", "secret-notes.txt\n");
        write("secret-notes.txt", "excluded by .git/info/exclude");
        Files.createSymbolicLink(dir.resolve("link-out"), Path.of("/etc"));
        Files.createSymbolicLink(dir.resolve("link-file"), dir.resolve("src/A.java"));

        List<String> paths = WorkspaceFiles.list(dir).stream().map(WorkspaceFiles.Candidate::path).sorted().toList();
        assertThat(paths).containsExactly(".gitignore", "keep.log", "src/A.java", "src/gen/.gitignore", "src/gen/readme.txt");
    }

    @Test
    void listsAPlainDirectoryWithItsGitignoreToo() throws Exception {
        write(".gitignore", "*.tmp\n");
        write("a.txt", "a");
        write("b.tmp", "b");
        assertThat(WorkspaceFiles.list(dir).stream().map(WorkspaceFiles.Candidate::path).sorted().toList())
                .containsExactly(".gitignore", "a.txt");
    }

    @Test
    void theLocalEmbedderIsDeterministicNormalizedAndPutsSharedWordsClose() {
        LocalHashEmbedder embedder = new LocalHashEmbedder(256);
        float[] a = embedder.embed("void reconcileInvoiceLedger(Invoice invoice)");
        assertThat(embedder.embed("void reconcileInvoiceLedger(Invoice invoice)")).containsExactly(a);
        assertThat(dot(a, a)).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-5));
        double related = dot(a, embedder.embed("reconcile the invoice ledger"));
        double unrelated = dot(a, embedder.embed("penguins migrate across the antarctic ice"));
        assertThat(related).isGreaterThan(0.3).isGreaterThan(unrelated + 0.2);
        assertThat(LocalHashEmbedder.words("parseHTTPHeader snake_case x")).containsExactly("parse", "httpheader",
                "snake", "case");
        assertThat(LocalHashEmbedder.hash("ledger")).as("stable across releases").isEqualTo(LocalHashEmbedder.hash("ledger"));
    }

    @Test
    void jsonEmbeddingsRoundTripExactly() {
        float[] v = {0.1f, -1.5e-7f, 3.4028235e38f, 0f, -0.33333334f};
        assertThat(EmbeddingColumn.JSON.write(v)).isInstanceOf(String.class);
        assertThat(EmbeddingColumn.parse((String) EmbeddingColumn.JSON.write(v))).containsExactly(v);
        assertThat(EmbeddingColumn.parse("[0.5, -2.0E-3 ,1]")).containsExactly(0.5f, -0.002f, 1f);
        assertThat(EmbeddingColumn.parse("[]")).isEmpty();
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }

    private void write(String path, String content) throws Exception {
        Path file = dir.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }
}
