package io.agentworkspace.run.tool;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.StoredConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.agentworkspace.support.GitRepositories;
import io.agentworkspace.workspace.SafeGit;
import io.agentworkspace.workspace.WorkspaceLease;
import reactor.core.publisher.Mono;

/**
 * The agent's tools on a real repository: writes to any {@code .git} and to agent or tool configuration are
 * refused, and no git operation ever starts a program the repository names (hooks, filters, upload-pack).
 */
class WorkspaceToolsTest {

    static final List<String> PROTECTED = List.of(".claude", ".mcp.json", ".vscode", ".github/workflows");

    @TempDir
    Path scratch;
    Path workspace;
    Path marker;
    WorkspaceTools tools;

    @BeforeEach
    void setUp() throws Exception {
        workspace = GitRepositories.withCommits(scratch.resolve("workspace"), 1).path();
        marker = scratch.resolve("program-ran");
        tools = new WorkspaceTools(workspace, new HeldLease(),
                new WorkspaceTools.Limits(65536, 65536, 32000, 50, PROTECTED), "run-1");
    }

    @ParameterizedTest
    @ValueSource(strings = {".git/hooks/pre-commit", "vendor/lib/.git/config", "vendor/lib/.git/hooks/post-checkout",
            "a/b/.GIT/config", ".claude/settings.json", ".claude/settings.local.json", "sub/.claude/settings.json",
            ".mcp.json", "pkg/.mcp.json", ".vscode/tasks.json", ".github/workflows/ci.yml", ".CLAUDE/hooks.json"})
    void writesToRepositoryMachineryAndAgentConfigurationAreRefused(String path) {
        ToolResult result = tools.execute(new ToolCall("c1", "write_file",
                "{\"path\":\"" + path + "\",\"content\":\"touch " + marker + "\"}"));
        assertThat(result.ok()).as(path).isFalse();
        assertThat(workspace.resolve(path)).doesNotExist();
    }

    @Test
    void aWriteThroughALinkIntoProtectedConfigurationIsRefused() throws Exception {
        Files.createDirectories(workspace.resolve(".claude"));
        Files.createSymbolicLink(workspace.resolve("innocent"), Path.of(".claude"));
        ToolResult result = tools.execute(new ToolCall("c1", "write_file",
                "{\"path\":\"innocent/settings.json\",\"content\":\"{}\"}"));
        assertThat(result.ok()).isFalse();
        assertThat(result.output()).contains("protected-path");
        assertThat(workspace.resolve(".claude/settings.json")).doesNotExist();
    }

    @Test
    void ordinaryFilesAndLookAlikesStayWritable() {
        for (String path : List.of("src/claude.md", "docs/.claude-notes.md", "github/workflows.txt", "mcp.json")) {
            assertThat(tools.execute(new ToolCall("c1", "write_file", "{\"path\":\"" + path + "\",\"content\":\"x\"}")).ok())
                    .as(path).isTrue();
        }
    }

    @Test
    void aCommitRunsNoHook() throws Exception {
        for (String hook : List.of("pre-commit", "commit-msg", "prepare-commit-msg", "post-commit")) {
            plantExecutable(workspace.resolve(".git/hooks").resolve(hook));
        }
        tools.execute(new ToolCall("c1", "write_file", "{\"path\":\"change.txt\",\"content\":\"x\"}"));
        ToolResult committed = tools.execute(new ToolCall("c2", "git_commit", "{\"message\":\"agent change\"}"));
        assertThat(committed.ok()).as(committed.output()).isTrue();
        assertThat(marker).as("a hook ran").doesNotExist();
    }

    @Test
    void hooksElsewhereThroughCoreHooksPathDoNotRunEither() throws Exception {
        plantExecutable(workspace.resolve("githooks/pre-commit"));
        plantExecutable(workspace.resolve("githooks/post-commit"));
        configure(config -> config.setString("core", null, "hooksPath", "githooks"));
        tools.execute(new ToolCall("c1", "write_file", "{\"path\":\"change.txt\",\"content\":\"x\"}"));
        assertThat(tools.execute(new ToolCall("c2", "git_commit", "{\"message\":\"agent change\"}")).ok()).isTrue();
        assertThat(marker).doesNotExist();
    }

    @Test
    void filterDriversOfTheRepositoryNeverRun() throws Exception {
        configure(config -> {
            config.setString("filter", "evil", "clean", "touch " + marker);
            config.setString("filter", "evil", "smudge", "touch " + marker);
            config.setBoolean("filter", "evil", "required", false);
        });
        Files.writeString(workspace.resolve(".gitattributes"), "*.txt filter=evil\n");
        tools.execute(new ToolCall("c1", "write_file", "{\"path\":\"change.txt\",\"content\":\"x\"}"));
        tools.execute(new ToolCall("c2", "git_status", "{}"));
        tools.execute(new ToolCall("c3", "git_diff", "{}"));
        tools.execute(new ToolCall("c4", "git_commit", "{\"message\":\"agent change\"}"));
        assertThat(marker).doesNotExist();
    }

    @Test
    void aGitDirectoryThatPointsElsewhereIsNotFollowed() throws Exception {
        Path other = GitRepositories.withCommits(scratch.resolve("other"), 2).path();
        Path pointing = Files.createDirectories(scratch.resolve("pointing"));
        Files.writeString(pointing.resolve(".git"), "gitdir: " + other.resolve(".git") + "\n");
        WorkspaceTools misled = new WorkspaceTools(pointing, new HeldLease(),
                new WorkspaceTools.Limits(65536, 65536, 32000, 50, PROTECTED), "run-2");
        ToolResult status = misled.execute(new ToolCall("c1", "git_status", "{}"));
        assertThat(status.ok()).isFalse();
        assertThat(status.output()).contains("workspace-repository-unsafe");
    }

    /** What a pull does (a fetch from origin): the repository's own upload-pack program setting is not run. */
    @Test
    void aFetchRunsNoProgramTheRepositoryConfigures() throws Exception {
        Path origin = GitRepositories.withCommits(scratch.resolve("origin"), 2).path();
        configure(config -> {
            config.setString("remote", "origin", "url", origin.toUri().toString());
            config.setString("remote", "origin", "fetch", "+refs/heads/*:refs/remotes/origin/*");
            config.setString("remote", "origin", "uploadpack", "touch " + marker + "; git-upload-pack");
        });
        try (Git git = SafeGit.open(workspace)) {
            try {
                git.fetch().setRemote("origin").call();
            } catch (Exception refused) {
                // refusing to run the program is as good as not running it
            }
        }
        assertThat(marker).doesNotExist();
    }

    private void plantExecutable(Path path) throws Exception {
        Files.createDirectories(path.getParent());
        Files.writeString(path, "#!/bin/sh\ntouch " + marker + "\n");
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private void configure(java.util.function.Consumer<StoredConfig> change) throws Exception {
        try (Git git = Git.open(workspace.toFile())) {
            StoredConfig config = git.getRepository().getConfig();
            change.accept(config);
            config.save();
        }
    }

    private static final class HeldLease implements WorkspaceLease {
        @Override
        public String projectId() {
            return "00000000-0000-0000-0000-000000000001";
        }

        @Override
        public long fencingToken() {
            return 1;
        }

        @Override
        public Mono<Void> verify() {
            return Mono.empty();
        }

        @Override
        public Mono<Void> release() {
            return Mono.empty();
        }
    }
}
