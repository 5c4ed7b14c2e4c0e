package io.agentworkspace.workspace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The confinement rules, on a real directory with links in and out. */
class WorkspacePathsTest {

    @TempDir
    Path temp;
    Path workspace;
    Path outside;

    @BeforeEach
    void tree() throws Exception {
        workspace = Files.createDirectories(temp.resolve("ws"));
        outside = Files.createDirectories(temp.resolve("outside"));
        Files.writeString(outside.resolve("secret.txt"), "outside");
        Files.createDirectories(workspace.resolve("src/nested"));
        Files.writeString(workspace.resolve("src/nested/Main.java"), "class Main {}");
        Files.createDirectories(workspace.resolve(".git"));
        Files.writeString(workspace.resolve(".git/config"), "[core]");
        Files.createSymbolicLink(workspace.resolve("inside-link"), Path.of("src/nested"));
        Files.createSymbolicLink(workspace.resolve("escape-dir"), outside);
        Files.createSymbolicLink(workspace.resolve("escape-file"), outside.resolve("secret.txt"));
        Files.createSymbolicLink(workspace.resolve("src/climb"), Path.of("../../outside"));
        Files.createSymbolicLink(workspace.resolve("dangling-out"), Path.of("/nonexistent-outside/x"));
        Files.createSymbolicLink(workspace.resolve("dangling-in"), Path.of("src/not-yet"));
        Files.createSymbolicLink(workspace.resolve("git-link"), Path.of(".git"));
        Files.createSymbolicLink(workspace.resolve("loop-a"), Path.of("loop-b"));
        Files.createSymbolicLink(workspace.resolve("loop-b"), Path.of("loop-a"));
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of("../outside/secret.txt", "path-traversal"),
                Arguments.of("src/../../outside", "path-traversal"),
                Arguments.of("..", "path-traversal"),
                Arguments.of("\uFF0E\uFF0E/outside", "path-traversal"),
                Arguments.of("/etc/passwd", "absolute-path"),
                Arguments.of("~/.ssh/id_rsa", "absolute-path"),
                Arguments.of("C:/Windows/win.ini", "absolute-path"),
                Arguments.of("..\\outside", "invalid-path"),
                Arguments.of("a\u0000b", "invalid-path"),
                Arguments.of("a\nb", "invalid-path"),
                Arguments.of("%2e%2e/outside", "invalid-path"),
                Arguments.of("\uFFFD\uFFFD/outside", "invalid-path"),
                Arguments.of("file:///etc/passwd", "invalid-path"),
                Arguments.of("a/".repeat(2100), "path-too-long"),
                Arguments.of("n".repeat(256), "path-too-long"),
                Arguments.of(".git/config", "path-in-git-directory"),
                Arguments.of(".GIT/config", "path-in-git-directory"),
                Arguments.of("git-link/config", "path-in-git-directory"),
                Arguments.of("escape-dir/secret.txt", "path-outside-workspace"),
                Arguments.of("escape-file", "path-outside-workspace"),
                Arguments.of("src/climb/secret.txt", "path-outside-workspace"),
                Arguments.of("dangling-out", "path-outside-workspace"),
                Arguments.of("loop-a", "invalid-path"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("refused")
    void refusesEveryWayOut(String path, String problem) {
        for (WorkspacePaths.Access access : WorkspacePaths.Access.values()) {
            assertThatThrownBy(() -> WorkspacePaths.resolve(workspace, path, access))
                    .isInstanceOf(PathRejected.class)
                    .extracting(e -> ((PathRejected) e).problem()).isEqualTo(problem);
        }
    }

    @Test
    void resolvesPathsInsideToTheirRealPlace() throws Exception {
        Path real = workspace.toRealPath();
        ConfinedPath file = WorkspacePaths.resolve(workspace, "./src//nested/Main.java", WorkspacePaths.Access.READ);
        assertThat(file.exists()).isTrue();
        assertThat(file.real()).isEqualTo(real.resolve("src/nested/Main.java"));
        assertThat(file.relative().toString()).isEqualTo("src/nested/Main.java");

        ConfinedPath throughLink = WorkspacePaths.resolve(workspace, "inside-link/Main.java", WorkspacePaths.Access.READ);
        assertThat(throughLink.real()).isEqualTo(real.resolve("src/nested/Main.java"));

        ConfinedPath root = WorkspacePaths.resolve(workspace, "", WorkspacePaths.Access.READ);
        assertThat(root.relative().isRoot()).isTrue();
        assertThat(root.real()).isEqualTo(real);

        ConfinedPath unicode = WorkspacePaths.resolve(workspace, "docs/ü ñ 日本.md", WorkspacePaths.Access.WRITE);
        assertThat(unicode.exists()).isFalse();
        assertThat(unicode.real()).isEqualTo(real.resolve("docs/ü ñ 日本.md"));

        // names that merely look odd are names, not traversal
        assertThat(WorkspacePaths.parse("....//x/...").segments()).containsExactly("....", "x", "...");
    }

    @Test
    void aDanglingLinkInsideIsAbsentForReadingAndRefusedForWriting() {
        assertThat(WorkspacePaths.resolve(workspace, "dangling-in", WorkspacePaths.Access.READ).exists()).isFalse();
        assertThatThrownBy(() -> WorkspacePaths.resolve(workspace, "dangling-in", WorkspacePaths.Access.WRITE))
                .isInstanceOf(PathRejected.class);
    }
}
