package io.agentworkspace.run.tool;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.Status;
import org.eclipse.jgit.diff.DiffFormatter;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.treewalk.CanonicalTreeParser;
import org.eclipse.jgit.treewalk.FileTreeIterator;
import org.eclipse.jgit.treewalk.filter.PathFilter;
import org.springframework.lang.Nullable;

import io.agentworkspace.infrastructure.RejectedCommand;
import io.agentworkspace.workspace.ConfinedPath;
import io.agentworkspace.workspace.SafeGit;
import io.agentworkspace.workspace.WorkspaceLease;
import io.agentworkspace.workspace.WorkspacePaths;

/**
 * The tools an agent may call in its run's workspace: read, write, list, search, and git status, diff and commit
 * through JGit. Every path goes through {@link WorkspacePaths} (no {@code ..}, nothing absolute, no link out, no
 * NUL, never a {@code .git} at any depth; writes never to agent or tool configuration, {@link Limits#protectedPaths});
 * every write first checks that the run's lease still holds the workspace. There is no shell and no way to run a
 * program: the repository is opened through {@link SafeGit}, so a commit runs no hook and no filter. A refused or failed call is a failed result the model sees; only a lost
 * lease stops the run ({@link LeaseLost}). Blocking.
 */
public final class WorkspaceTools implements ToolExecutor {

    /** @param protectedPaths paths the write tool refuses at any depth (agent and tool configuration) */
    public record Limits(long maxReadBytes, long maxWriteBytes, int maxResultChars, int maxSearchHits,
                         List<String> protectedPaths) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int BINARY_PROBE = 8000;
    private static final long MAX_SEARCHED_FILE = 1024 * 1024;
    private static final PersonIdent AGENT = new PersonIdent("Agent Workspace run", "runs@agent-workspace.invalid");

    private final Path workspace;
    private final WorkspaceLease lease;
    private final Limits limits;
    private final String runId;
    private final Set<String> written = Collections.synchronizedSet(new LinkedHashSet<>());

    public WorkspaceTools(Path workspace, WorkspaceLease lease, Limits limits, String runId) {
        this.workspace = workspace;
        this.lease = lease;
        this.limits = limits;
        this.runId = runId;
    }

    /** Workspace-relative paths this run's tools wrote, in the order first written. */
    public List<String> written() {
        synchronized (written) {
            return List.copyOf(written);
        }
    }

    @Override
    public List<ToolSpec> specs() {
        return List.of(
                new ToolSpec("read_file", "Read a text file of the workspace.",
                        object(Map.of("path", string("Path relative to the workspace root")), "path")),
                new ToolSpec("write_file", "Create or overwrite a file of the workspace (append: true appends).",
                        object(Map.of("path", string("Path relative to the workspace root"),
                                "content", string("The whole new content"),
                                "append", Map.of("type", "boolean", "description", "Append instead of overwriting")),
                                "path", "content")),
                new ToolSpec("list_directory", "List a directory of the workspace (the root when path is empty).",
                        object(Map.of("path", string("Directory relative to the workspace root")))),
                new ToolSpec("search_text", "Find lines containing a text (case-insensitive) in the workspace's files.",
                        object(Map.of("query", string("The text to look for"),
                                "path", string("Only under this directory"),
                                "max_results", Map.of("type", "integer", "minimum", 1)), "query")),
                new ToolSpec("git_status", "Show the git status of the workspace.", object(Map.of())),
                new ToolSpec("git_diff", "Show the changes of the working tree against HEAD.",
                        object(Map.of("path", string("Only this file or directory")))),
                new ToolSpec("git_commit", "Stage every change and commit it.",
                        object(Map.of("message", string("The commit message")), "message")));
    }

    @Override
    public ToolResult execute(ToolCall call) {
        JsonNode arguments;
        try {
            arguments = JSON.readTree(call.arguments() == null || call.arguments().isBlank() ? "{}" : call.arguments());
        } catch (IOException e) {
            return ToolResult.error("invalid-arguments: the arguments are not JSON");
        }
        if (!arguments.isObject()) {
            return ToolResult.error("invalid-arguments: the arguments must be a JSON object");
        }
        try {
            return switch (call.name()) {
                case "read_file" -> read(text(arguments, "path", true));
                case "write_file" -> write(text(arguments, "path", true), text(arguments, "content", true),
                        arguments.path("append").asBoolean(false));
                case "list_directory" -> list(text(arguments, "path", false));
                case "search_text" -> search(text(arguments, "query", true), text(arguments, "path", false),
                        arguments.path("max_results").asInt(50));
                case "git_status" -> status();
                case "git_diff" -> diff(text(arguments, "path", false));
                case "git_commit" -> commit(text(arguments, "message", true));
                default -> ToolResult.error("unknown-tool: there is no tool " + call.name());
            };
        } catch (RejectedCommand refused) {
            return ToolResult.error(refused.problem() + ": " + refused.getMessage());
        } catch (IOException | org.eclipse.jgit.api.errors.GitAPIException | RuntimeException failure) {
            if (failure instanceof LeaseLost lost) {
                throw lost;
            }
            return ToolResult.error("tool-failed: " + failure.getClass().getSimpleName()
                    + (failure.getMessage() == null ? "" : ": " + relativeMessage(failure.getMessage())));
        }
    }

    private ToolResult read(String path) throws IOException {
        ConfinedPath file = WorkspacePaths.resolve(workspace, path, WorkspacePaths.Access.READ);
        if (!file.exists()) {
            return ToolResult.error("path-not-found: no file " + file.relative());
        }
        if (!Files.isRegularFile(file.real(), LinkOption.NOFOLLOW_LINKS)) {
            return ToolResult.error("not-a-file: " + file.relative() + " is not a file");
        }
        try (InputStream in = Files.newInputStream(file.real(), LinkOption.NOFOLLOW_LINKS)) {
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limits.maxReadBytes()));
            boolean truncated = in.read() != -1;
            if (isBinary(bytes)) {
                return ToolResult.error("binary-file: " + file.relative() + " is not text");
            }
            return ToolResult.ok(bounded(new String(bytes, StandardCharsets.UTF_8)
                    + (truncated ? "\n[truncated at " + limits.maxReadBytes() + " bytes]" : "")));
        }
    }

    private ToolResult write(String path, String content, boolean append) throws IOException {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > limits.maxWriteBytes()) {
            return ToolResult.error("content-too-large: at most " + limits.maxWriteBytes() + " bytes per write");
        }
        ConfinedPath file = WorkspacePaths.resolveForWrite(workspace, path, limits.protectedPaths());
        if (file.relative().isRoot()) {
            return ToolResult.error("not-a-file: the workspace root is a directory");
        }
        if (file.exists() && !Files.isRegularFile(file.real(), LinkOption.NOFOLLOW_LINKS)) {
            return ToolResult.error("not-a-file: " + file.relative() + " is a directory or a special file");
        }
        verifyLease();
        Files.createDirectories(file.real().getParent());
        Files.write(file.real(), bytes, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING, LinkOption.NOFOLLOW_LINKS);
        written.add(file.relative().toString());
        return new ToolResult(true, (append ? "appended " : "wrote ") + bytes.length + " bytes to " + file.relative(),
                List.of(file.relative().toString()));
    }

    private ToolResult list(@Nullable String path) throws IOException {
        ConfinedPath directory = WorkspacePaths.resolve(workspace, path, WorkspacePaths.Access.READ);
        if (!directory.exists() || !Files.isDirectory(directory.real(), LinkOption.NOFOLLOW_LINKS)) {
            return ToolResult.error("not-a-directory: " + (directory.relative().isRoot() ? "." : directory.relative()));
        }
        TreeSet<String> entries = new TreeSet<>();
        try (DirectoryStream<Path> children = Files.newDirectoryStream(directory.real())) {
            for (Path child : children) {
                String name = child.getFileName().toString();
                if (directory.relative().isRoot() && name.equals(".git")) {
                    continue;
                }
                BasicFileAttributes attributes = Files.readAttributes(child, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                entries.add(name + (attributes.isDirectory() ? "/" : attributes.isSymbolicLink() ? " -> (link)" : ""));
            }
        }
        return ToolResult.ok(bounded(entries.isEmpty() ? "(empty)" : String.join("\n", entries)));
    }

    private ToolResult search(String query, @Nullable String path, int maxResults) throws IOException {
        if (query.isEmpty()) {
            return ToolResult.error("invalid-arguments: query must not be empty");
        }
        ConfinedPath start = WorkspacePaths.resolve(workspace, path, WorkspacePaths.Access.READ);
        if (!start.exists()) {
            return ToolResult.error("path-not-found: no such directory " + start.relative());
        }
        int cap = Math.max(1, Math.min(maxResults, limits.maxSearchHits()));
        String needle = query.toLowerCase(Locale.ROOT);
        Path root = workspace.toRealPath();
        List<String> hits = new ArrayList<>();
        Files.walkFileTree(start.real(), new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
                return dir.getFileName() != null && dir.getFileName().toString().equals(".git")
                        ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                if (!attributes.isRegularFile() || attributes.size() > MAX_SEARCHED_FILE) {
                    return FileVisitResult.CONTINUE;
                }
                byte[] bytes = Files.readAllBytes(file);
                if (isBinary(bytes)) {
                    return FileVisitResult.CONTINUE;
                }
                String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\n", -1);
                for (int i = 0; i < lines.length && hits.size() < cap; i++) {
                    if (lines[i].toLowerCase(Locale.ROOT).contains(needle)) {
                        String line = lines[i].strip();
                        hits.add(root.relativize(file) + ":" + (i + 1) + ": "
                                + (line.length() > 200 ? line.substring(0, 200) + "…" : line));
                    }
                }
                return hits.size() >= cap ? FileVisitResult.TERMINATE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException failure) {
                return FileVisitResult.CONTINUE;
            }
        });
        return ToolResult.ok(bounded(hits.isEmpty() ? "no matches" : String.join("\n", hits)));
    }

    private ToolResult status() throws IOException, org.eclipse.jgit.api.errors.GitAPIException {
        try (Git git = open()) {
            Status status = git.status().call();
            StringBuilder out = new StringBuilder("branch " + git.getRepository().getBranch() + "\n");
            append(out, "added", status.getAdded());
            append(out, "changed", status.getChanged());
            append(out, "modified", status.getModified());
            append(out, "missing", status.getMissing());
            append(out, "removed", status.getRemoved());
            append(out, "untracked", status.getUntracked());
            return ToolResult.ok(bounded(status.isClean() ? out + "clean" : out.toString()));
        }
    }

    private ToolResult diff(@Nullable String path) throws IOException {
        String filter = null;
        if (path != null && !path.isEmpty()) {
            ConfinedPath confined = WorkspacePaths.resolve(workspace, path, WorkspacePaths.Access.READ);
            filter = confined.relative().isRoot() ? null : confined.relative().toString();
        }
        try (Git git = open(); ObjectReader reader = git.getRepository().newObjectReader()) {
            ByteArrayOutputStream patch = new ByteArrayOutputStream();
            try (DiffFormatter formatter = new DiffFormatter(patch)) {
                formatter.setRepository(git.getRepository());
                if (filter != null) {
                    formatter.setPathFilter(PathFilter.create(filter));
                }
                ObjectId head = git.getRepository().resolve(Constants.HEAD + "^{tree}");
                CanonicalTreeParser headTree = new CanonicalTreeParser();
                if (head != null) {
                    headTree.reset(reader, head);
                }
                formatter.format(formatter.scan(headTree, new FileTreeIterator(git.getRepository())));
            }
            String text = patch.toString(StandardCharsets.UTF_8);
            return ToolResult.ok(bounded(text.isEmpty() ? "no changes" : text));
        }
    }

    private ToolResult commit(String message) throws IOException, org.eclipse.jgit.api.errors.GitAPIException {
        if (message.isBlank()) {
            return ToolResult.error("invalid-arguments: message must not be empty");
        }
        try (Git git = open()) {
            verifyLease();
            git.add().addFilepattern(".").call();
            git.add().setUpdate(true).addFilepattern(".").call();
            RevCommit commit = git.commit().setMessage(message).setAuthor(AGENT).setCommitter(AGENT).setSign(false)
                    .setNoVerify(true).setAllowEmpty(false).call();
            return new ToolResult(true, "committed " + commit.abbreviate(10).name() + " on " + git.getRepository().getBranch(),
                    List.of());
        } catch (org.eclipse.jgit.api.errors.EmptyCommitException nothing) {
            return ToolResult.error("nothing-to-commit: the working tree has no changes");
        }
    }

    private Git open() throws IOException {
        try {
            return SafeGit.open(workspace);
        } catch (org.eclipse.jgit.errors.RepositoryNotFoundException e) {
            throw RejectedCommand.conflict("workspace-not-a-repository", "The workspace holds no git repository.");
        }
    }

    private void verifyLease() {
        try {
            lease.verify().block(Duration.ofSeconds(10));
        } catch (RuntimeException lost) {
            throw new LeaseLost("run " + runId + " lost its workspace lease (token " + lease.fencingToken()
                    + "): " + lost.getMessage());
        }
    }

    private static String text(JsonNode arguments, String name, boolean required) {
        JsonNode value = arguments.get(name);
        if (value == null || value.isNull()) {
            if (required) {
                throw RejectedCommand.invalid("invalid-arguments", name, name + " is required");
            }
            return null;
        }
        if (!value.isTextual()) {
            throw RejectedCommand.invalid("invalid-arguments", name, name + " must be a string");
        }
        return value.asText();
    }

    private String bounded(String text) {
        return text.length() <= limits.maxResultChars() ? text
                : text.substring(0, limits.maxResultChars()) + "\n[truncated]";
    }

    /** Messages of file errors name absolute paths; the model sees them relative to its workspace. */
    private String relativeMessage(String message) {
        return message.replace(workspace.toString() + "/", "").replace(workspace.toString(), ".");
    }

    private static boolean isBinary(byte[] bytes) {
        for (int i = 0; i < Math.min(bytes.length, BINARY_PROBE); i++) {
            if (bytes[i] == 0) {
                return true;
            }
        }
        return false;
    }

    private static void append(StringBuilder out, String label, Set<String> paths) {
        for (String path : new TreeSet<>(paths)) {
            out.append(label).append(' ').append(path).append('\n');
        }
    }

    private static Map<String, Object> string(String description) {
        return Map.of("type", "string", "description", description);
    }

    private static Map<String, Object> object(Map<String, Object> properties, String... required) {
        return Map.of("type", "object", "properties", properties, "required", List.of(required));
    }
}
