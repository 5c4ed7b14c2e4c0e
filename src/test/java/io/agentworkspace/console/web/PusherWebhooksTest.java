package io.agentworkspace.console.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import io.agentworkspace.console.ChannelDirectory;
import io.agentworkspace.console.ConsoleSettings;
import io.agentworkspace.console.PusherCredentials;

/** The webhook body as Pusher sends it, and a configured URL that cannot be one refused at startup. */
class PusherWebhooksTest {

    @Test
    void theBodyListsTheEventsAsPusherNamesThem() {
        String body = PusherWebhooks.body(List.of(
                new ChannelDirectory.Change(ChannelDirectory.Transition.CHANNEL_OCCUPIED, "presence-a", null),
                new ChannelDirectory.Change(ChannelDirectory.Transition.MEMBER_ADDED, "presence-a", "u\"1")), 1234);
        assertThat(body).isEqualTo("{\"time_ms\":1234,\"events\":[{\"name\":\"channel_occupied\",\"channel\":"
                + "\"presence-a\"},{\"name\":\"member_added\",\"channel\":\"presence-a\",\"user_id\":\"u\\\"1\"}]}");
    }

    @Test
    void aUrlThatIsNotAbsoluteHttpIsRefusedAtStartup() {
        for (String url : List.of("ftp://example.org/hook", "not a url", "/relative/path", "http://")) {
            assertThatThrownBy(() -> webhooks(url)).as(url).isInstanceOf(RuntimeException.class);
        }
        assertThat(webhooks("https://hooks.example.org/pusher")).isNotNull();
    }

    private static PusherWebhooks webhooks(String url) {
        ConsoleSettings settings = new Binder(new MapConfigurationPropertySource(Map.of(
                "agent.console.webhooks.url", url))).bindOrCreate("agent.console", Bindable.of(ConsoleSettings.class));
        PusherCredentials credentials = new PusherCredentials() {
            @Override
            public String appId() {
                return "app";
            }

            @Override
            public String key() {
                return "key";
            }

            @Override
            public String secret() {
                return "secret";
            }
        };
        // the directory is only read once the webhooks start; the URL is checked before
        return new PusherWebhooks(null, credentials, settings, new SimpleMeterRegistry());
    }
}
