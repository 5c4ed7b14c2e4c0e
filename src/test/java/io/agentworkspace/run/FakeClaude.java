package io.agentworkspace.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A fake {@code claude} executable: a POSIX shell script that records its arguments, working directory and
 * environment (the API key only as its SHA-256, so no file holds it), reads the prompt from stdin and prints Claude Code's stream-json lines slowly. The prompt picks the
 * script's behaviour: {@code FAIL} ends with an error result, {@code SLOW} hangs in a child process (for
 * cancellation), {@code CRASH} exits without a result; anything else succeeds after writing a file.
 */
final class FakeClaude {

    final Path executable;
    final Path record;

    private FakeClaude(Path executable, Path record) {
        this.executable = executable;
        this.record = record;
    }

    static FakeClaude create(Path directory) {
        try {
            Path record = Files.createDirectories(directory.resolve("record"));
            Path script = directory.resolve("claude");
            Files.writeString(script, """
                    #!/bin/sh
                    R=%s
                    printf '%%s\\n' "$@" > "$R/args"
                    pwd > "$R/cwd"
                    env | grep -v '^ANTHROPIC_API_KEY=' > "$R/env"
                    printf 'ANTHROPIC_API_KEY_SHA256=%%s\n' "$(printf '%%s' "$ANTHROPIC_API_KEY" | sha256sum | cut -d' ' -f1)" >> "$R/env"
                    echo $$ > "$R/pid"
                    prompt=$(cat)
                    printf '%%s' "$prompt" > "$R/prompt"
                    emit() { printf '%%s\\n' "$1"; sleep 0.05; }
                    emit '{"type":"system","subtype":"init","cwd":"'"$PWD"'","session_id":"s-1","tools":["Read","Write","Edit"],"model":"claude-sonnet-4-5","permissionMode":"acceptEdits"}'
                    emit 'not json: a stray line claude might print'
                    emit '{"type":"assistant","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[{"type":"text","text":"I will create the file."}],"usage":{"input_tokens":10,"output_tokens":5}},"session_id":"s-1"}'
                    case "$prompt" in
                      *SLOW*) sleep 30 & echo $! > "$R/child"; wait; exit 0 ;;
                      *CRASH*) exit 3 ;;
                    esac
                    mkdir -p docs && printf '# Claude\\n' > docs/claude.md
                    emit '{"type":"assistant","message":{"id":"msg_2","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[{"type":"tool_use","id":"toolu_1","name":"Write","input":{"file_path":"'"$PWD"'/docs/claude.md","content":"# Claude\\n"}}]},"session_id":"s-1"}'
                    emit '{"type":"user","message":{"role":"user","content":[{"tool_use_id":"toolu_1","type":"tool_result","content":"File created successfully at: docs/claude.md"}]},"session_id":"s-1"}'
                    emit '{"type":"a_type_from_the_future","payload":{"x":1}}'
                    case "$prompt" in
                      *FAIL*) emit '{"type":"result","subtype":"error_max_turns","is_error":true,"duration_ms":900,"num_turns":2,"session_id":"s-1","total_cost_usd":0.002,"usage":{"input_tokens":300,"output_tokens":40}}'; exit 1 ;;
                    esac
                    emit '{"type":"assistant","message":{"id":"msg_3","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[{"type":"text","text":"Done: docs/claude.md exists."}]},"session_id":"s-1"}'
                    emit '{"type":"result","subtype":"success","is_error":false,"duration_ms":1234,"num_turns":3,"result":"Done: docs/claude.md exists.","session_id":"s-1","total_cost_usd":0.0123,"usage":{"input_tokens":1500,"cache_creation_input_tokens":0,"cache_read_input_tokens":200,"output_tokens":120}}'
                    """.formatted(record));
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
            return new FakeClaude(script, record);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String recorded(String name) {
        try {
            return Files.readString(record.resolve(name)).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
