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

import reactor.test.StepVerifier;

/** Where bubblewrap is missing, claude-code refuses to run rather than run unconfined; the script provider's defaults. */
class AgentSandboxTest {

    @Test
    void withoutBubblewrapTheRunFailsAndNothingStarts(@TempDir Path scratch) throws Exception {
        Path marker = scratch.resolve("started");
        Path executable = scratch.resolve("claude");
        Files.writeString(executable, "#!/bin/sh\ntouch " + marker + "\n");
        executable.toFile().setExecutable(true);
        AgentSandbox missing = new AgentSandbox(AgentSandbox.Mode.BWRAP, scratch.resolve("no-bwrap"), List.of(), List.of());
        ClaudeCodeProvider provider = new ClaudeCodeProvider(executable.toString(), List.of(), List.of(), 5,
                scratch.resolve("homes"), missing);
        Path workspace = Files.createDirectories(scratch.resolve("workspace"));
        StepVerifier.create(provider.run(new AgentRequest("run-1", workspace, "claude-sonnet-4-5", "hi", null, 100, null)))
                .expectErrorSatisfies(failure -> assertThat(failure).isInstanceOf(ProviderFailure.class)
                        .hasMessageContaining("sandbox is not available").hasMessageContaining("agent.runs.sandbox.mode=none"))
                .verify(Duration.ofSeconds(10));
        assertThat(marker).doesNotExist();
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
