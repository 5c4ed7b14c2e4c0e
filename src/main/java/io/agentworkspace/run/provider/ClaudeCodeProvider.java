package io.agentworkspace.run.provider;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.lang.Nullable;

import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;

import io.agentworkspace.infrastructure.Directories;

/**
 * Claude Code as a subprocess in the workspace: {@code claude -p --output-format stream-json --verbose} with a
 * fixed argument list (the model is checked against a strict pattern before; the prompt goes in on stdin, so no
 * request text ever becomes an argument), started directly, never through a shell, with an environment of its own
 * that holds the API key and nothing of the server's. Its NDJSON lines: {@code system} (init), {@code assistant}
 * (text and tool_use blocks), {@code user} (tool_result blocks), {@code result} (success or {@code error_*}, with
 * usage and cost); unknown types and lines that are not JSON are ignored. Claude Code runs its own tools; the
 * argument list allows file tools only and forbids its shell and web tools.
 *
 * <p>Its own tools are not path-limited, so the process runs in an {@link AgentSandbox}: only its workspace is
 * writable and nothing of the service is visible. Project-level settings of the repository ({@code .claude/},
 * {@code .mcp.json}) are not loaded ({@code --setting-sources user}, {@code --strict-mcp-config}), and the private
 * home the run gets holds user settings that disable hooks. Those flags are defence in depth; the sandbox is the
 * boundary. Where the sandbox is unavailable the run fails rather than run unconfined.
 */
public final class ClaudeCodeProvider implements AgentProvider {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> WRITING_TOOLS = Set.of("Write", "Edit", "MultiEdit", "NotebookEdit");

    private static final String USER_SETTINGS = "{\"disableAllHooks\": true, \"enableAllProjectMcpServers\": false}\n";

    private final String executable;
    private final List<String> allowedTools;
    private final List<String> disallowedTools;
    private final int maxTurns;
    private final Path homes;
    private final AgentSandbox sandbox;

    /** @param homes where each run's private home directory is made (and removed after the run) */
    public ClaudeCodeProvider(String executable, List<String> allowedTools, List<String> disallowedTools, int maxTurns,
                              Path homes, AgentSandbox sandbox) {
        this.executable = executable;
        this.allowedTools = List.copyOf(allowedTools);
        this.disallowedTools = List.copyOf(disallowedTools);
        this.maxTurns = maxTurns;
        this.homes = homes;
        this.sandbox = sandbox;
    }

    @Override
    public String name() {
        return "claude-code";
    }

    @Override
    public boolean needsKey() {
        return true;
    }

    /** The whole command line: nothing in it comes from a request but the model, which matched its pattern. */
    List<String> command(String model) {
        List<String> command = new ArrayList<>(List.of(executable, "-p", "--output-format", "stream-json", "--verbose",
                "--model", model, "--max-turns", Integer.toString(maxTurns), "--permission-mode", "acceptEdits",
                "--setting-sources", "user", "--strict-mcp-config"));
        if (!allowedTools.isEmpty()) {
            command.add("--allowedTools");
            command.add(String.join(",", allowedTools));
        }
        if (!disallowedTools.isEmpty()) {
            command.add("--disallowedTools");
            command.add(String.join(",", disallowedTools));
        }
        return command;
    }

    @Override
    public Flux<AgentEvent> run(AgentRequest request) {
        return Flux.create(sink -> start(request, sink));
    }

    private void start(AgentRequest request, FluxSink<AgentEvent> sink) {
        Optional<String> unavailable = sandbox.unavailable();
        if (unavailable.isPresent()) {
            sink.error(ProviderFailure.of(ProviderFailure.Kind.PROCESS, unavailable.get()));
            return;
        }
        Path home = homes.resolve(request.runId());
        Process process;
        try {
            prepareHome(home);
            ProcessBuilder builder = new ProcessBuilder(sandbox.wrap(command(request.model()), request.workspace(), home))
                    .directory(request.workspace().toFile())
                    .redirectError(ProcessBuilder.Redirect.DISCARD);
            Map<String, String> environment = builder.environment();
            environment.clear();
            environment.put("PATH", sandbox.mode() == AgentSandbox.Mode.NONE
                    ? System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin") : "/usr/local/bin:/usr/bin:/bin");
            environment.put("HOME", sandbox.homeInside(home));
            environment.put("LANG", "C.UTF-8");
            environment.put("DISABLE_AUTOUPDATER", "1");
            // only the model API is reachable from the sandbox: no telemetry, error reports or update checks
            environment.put("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1");
            environment.putAll(sandbox.environment());
            if (request.key() != null) {
                environment.put("ANTHROPIC_API_KEY", request.key().value());
            }
            process = builder.start();
        } catch (IOException e) {
            Directories.deleteQuietly(home);
            sink.error(ProviderFailure.of(ProviderFailure.Kind.PROCESS, "claude could not be started: " + e.getMessage()));
            return;
        }
        process.onExit().thenRun(() -> Directories.deleteQuietly(home));
        AtomicBoolean stopped = new AtomicBoolean();
        sink.onDispose(() -> {
            stopped.set(true);
            sandbox.end(process);
        });
        Thread reader = new Thread(() -> read(process, request, sink, stopped), "claude-code-" + request.runId());
        reader.setDaemon(true);
        reader.start();
    }

    /** A fresh, owner-only home for one run, holding user settings that switch hooks off. */
    private static void prepareHome(Path home) throws IOException {
        Directories.deleteQuietly(home);
        Files.createDirectories(home.getParent());
        Files.createDirectory(home, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path settings = Files.createDirectory(home.resolve(".claude"));
        Files.writeString(settings.resolve("settings.json"), USER_SETTINGS);
    }

    private void read(Process process, AgentRequest request, FluxSink<AgentEvent> sink, AtomicBoolean stopped) {
        try (OutputStream stdin = process.getOutputStream()) {
            stdin.write(request.prompt().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // the process may end without reading its input; its exit then says why
        }
        boolean finished = false;
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            int turn = 0;
            while (!finished && (line = lines.readLine()) != null) {
                JsonNode message = parse(line);
                if (message == null) {
                    continue;
                }
                switch (message.path("type").asText()) {
                    case "assistant" -> {
                        assistant(message.path("message"), request, sink);
                        sink.next(new AgentEvent.TurnEnded(++turn));
                    }
                    case "user" -> toolResults(message.path("message"), sink);
                    case "result" -> {
                        finished = true;
                        result(message, request, sink);
                    }
                    default -> {
                        // system (init) and types this version does not know
                    }
                }
            }
        } catch (IOException e) {
            if (!stopped.get()) {
                sink.error(ProviderFailure.of(ProviderFailure.Kind.PROCESS, "reading claude's output failed: " + e.getMessage()));
                return;
            }
        }
        if (!finished && !stopped.get()) {
            int exit = exitCode(process);
            sink.error(ProviderFailure.of(ProviderFailure.Kind.PROCESS,
                    "claude ended (exit code " + exit + ") before it reported a result"));
        }
    }

    private void assistant(JsonNode message, AgentRequest request, FluxSink<AgentEvent> sink) {
        for (JsonNode block : message.path("content")) {
            switch (block.path("type").asText()) {
                case "text" -> {
                    String text = block.path("text").asText("");
                    if (!text.isEmpty()) {
                        sink.next(new AgentEvent.TextDelta(text));
                    }
                }
                case "tool_use" -> {
                    String name = block.path("name").asText();
                    JsonNode input = block.path("input");
                    sink.next(new AgentEvent.ToolCalled(block.path("id").asText(), name, input.toString()));
                    String file = input.path("file_path").asText(input.path("notebook_path").asText(""));
                    if (WRITING_TOOLS.contains(name) && !file.isEmpty()) {
                        sink.next(new AgentEvent.FileChanged(file));
                    }
                }
                default -> {
                }
            }
        }
    }

    private static void toolResults(JsonNode message, FluxSink<AgentEvent> sink) {
        JsonNode content = message.path("content");
        if (!content.isArray()) {
            return;
        }
        for (JsonNode block : content) {
            if ("tool_result".equals(block.path("type").asText())) {
                JsonNode output = block.path("content");
                String text = output.isTextual() ? output.asText() : output.toString();
                sink.next(new AgentEvent.ToolReturned(block.path("tool_use_id").asText(), "",
                        !block.path("is_error").asBoolean(false), text));
            }
        }
    }

    private static void result(JsonNode result, AgentRequest request, FluxSink<AgentEvent> sink) {
        JsonNode usage = result.path("usage");
        long input = usage.path("input_tokens").asLong(0) + usage.path("cache_creation_input_tokens").asLong(0)
                + usage.path("cache_read_input_tokens").asLong(0);
        Double cost = result.hasNonNull("total_cost_usd") ? result.get("total_cost_usd").asDouble() : null;
        sink.next(new AgentEvent.Usage(input, usage.path("output_tokens").asLong(0), cost));
        String subtype = result.path("subtype").asText("");
        if ("success".equals(subtype) && !result.path("is_error").asBoolean(false)) {
            sink.next(new AgentEvent.Finished("success"));
            sink.complete();
            return;
        }
        String detail = result.path("result").asText(result.path("error").asText(""));
        ProviderFailure.Kind kind = subtype.equals("error_max_turns") ? ProviderFailure.Kind.REFUSED
                : ProviderFailure.Kind.STREAM_ERROR;
        sink.error(ProviderFailure.of(kind, HttpAgentProvider.clean("claude ended with " + (subtype.isEmpty() ? "an error" : subtype)
                + (detail.isBlank() ? "" : ": " + detail), request.key())));
    }

    @Nullable
    private static JsonNode parse(String line) {
        if (line.isBlank() || line.charAt(0) != '{') {
            return null;
        }
        try {
            return JSON.readTree(line);
        } catch (IOException notJson) {
            return null;
        }
    }

    private static int exitCode(Process process) {
        try {
            return process.waitFor(5, TimeUnit.SECONDS) ? process.exitValue() : -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
