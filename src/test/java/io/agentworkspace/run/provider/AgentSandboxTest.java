package io.agentworkspace.run.provider;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ClassPathResource;

import io.agentworkspace.support.AgentProcesses;
import reactor.test.StepVerifier;

/**
 * Where bubblewrap is missing, claude-code refuses to run rather than run unconfined; a cancelled sandbox ends with
 * everything in it; the script provider's defaults.
 */
class AgentSandboxTest {

    @Test
    void withoutBubblewrapTheRunFailsAndNothingStarts(@TempDir Path scratch) throws Exception {
        assertRefusedBeforeStart(scratch, new AgentSandbox(AgentSandbox.Mode.BWRAP, scratch.resolve("no-bwrap"), List.of(),
                List.of()), "sandbox is not available", "agent.runs.sandbox.mode=none");
    }

    /** Without a {@code .git} of its own to keep read-only, a workspace is not given to a sandboxed agent. */
    @Test
    void aWorkspaceWithoutGitIsRefused(@TempDir Path scratch) throws Exception {
        assertRefusedBeforeStart(scratch, new AgentSandbox(AgentSandbox.Mode.BWRAP, Path.of("/usr/bin/bwrap"), List.of(),
                List.of()), "not a git repository");
    }

    /** A claude that would leave a mark if it ever ran, in a workspace without {@code .git}: the run fails first. */
    private static void assertRefusedBeforeStart(Path scratch, AgentSandbox sandbox, String... reason) throws Exception {
        Path marker = scratch.resolve("started");
        Path executable = scratch.resolve("claude");
        Files.writeString(executable, "#!/bin/sh\ntouch " + marker + "\n");
        executable.toFile().setExecutable(true);
        ClaudeCodeProvider provider = new ClaudeCodeProvider(executable.toString(), List.of(), List.of(), 5,
                scratch.resolve("homes"), sandbox);
        Path workspace = Files.createDirectories(scratch.resolve("workspace"));
        StepVerifier.create(provider.run(new AgentRequest("run-1", workspace, "claude-sonnet-4-5", "hi", null, 100, null)))
                .expectErrorSatisfies(failure -> assertThat(failure).isInstanceOf(ProviderFailure.class)
                        .hasMessageContainingAll(reason))
                .verify(Duration.ofSeconds(10));
        assertThat(marker).doesNotExist();
    }

    /**
     * Cancelling a sandboxed run ends the sandbox with everything in it at once, also an agent that ignores TERM and
     * keeps forking: the kernel tears the sandbox's pid namespace down with it.
     */
    @Test
    void aCancelledAgentThatIgnoresTermAndKeepsForkingEndsWithItsSandbox(@TempDir Path scratch) throws Exception {
        Path executable = scratch.resolve("claude");
        Files.writeString(executable, """
                #!/bin/sh
                trap '' TERM
                ( trap '' TERM; while true; do sleep 0.05; done ) &
                echo '{"type":"assistant","message":{"content":[{"type":"text","text":"working"}]}}'
                while true; do sleep 0.05; done
                """);
        executable.toFile().setExecutable(true);
        AgentSandbox sandbox = new AgentSandbox(AgentSandbox.Mode.BWRAP, Path.of("/usr/bin/bwrap"), List.of(), List.of());
        ClaudeCodeProvider provider = new ClaudeCodeProvider(executable.toString(), List.of(), List.of(), 5,
                scratch.resolve("homes"), sandbox);
        Path workspace = Files.createDirectories(scratch.resolve("workspace/.git")).getParent();
        java.util.concurrent.CountDownLatch working = new java.util.concurrent.CountDownLatch(1);
        reactor.core.Disposable run = provider.run(new AgentRequest("run-1", workspace, "claude-sonnet-4-5", "hi", null, 100, null))
                .subscribe(event -> working.countDown(), failure -> { });
        assertThat(working.await(20, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        List<ProcessHandle> agent = AgentProcesses.of(executable);
        assertThat(agent).as("bwrap, its init, the script, its loop and their sleeps").hasSizeGreaterThanOrEqualTo(4);

        long cancelled = System.nanoTime();
        run.dispose();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10))
                .until(() -> AgentProcesses.allEnded(agent, executable));
        assertThat((System.nanoTime() - cancelled) / 1_000_000).as("cancel to sandbox gone, ms").isLessThan(1000);
    }

    @Test
    void theScriptProviderIsOnForTheEmbeddedDefaultAndOffOnTheProductionProfile() throws Exception {
        YamlPropertySourceLoader yaml = new YamlPropertySourceLoader();
        StandardEnvironment embedded = new StandardEnvironment();
        yaml.load("base", new ClassPathResource("application.yml")).forEach(embedded.getPropertySources()::addLast);
        StandardEnvironment production = new StandardEnvironment();
        yaml.load("mysql", new ClassPathResource("application-mysql.yml")).forEach(production.getPropertySources()::addLast);
        yaml.load("base", new ClassPathResource("application.yml")).forEach(production.getPropertySources()::addLast);
        String key = "agent.runs.providers.script.enabled";
        assertThat(Binder.get(embedded).bind(key, Boolean.class).orElse(true)).isTrue();
        assertThat(Binder.get(production).bind(key, Boolean.class).orElse(true)).isFalse();
    }
}
