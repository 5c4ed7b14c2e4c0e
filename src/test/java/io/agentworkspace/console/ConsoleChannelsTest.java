package io.agentworkspace.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.agentworkspace.infrastructure.RejectedCommand;

/** Channel and event names as the Pusher protocol allows them. */
class ConsoleChannelsTest {

    @Test
    void channelNamesAreOneTo164OfTheAllowedCharacters() {
        for (String valid : List.of("a", "private-run.1", "presence-project.x_y=z@a,b;c", "A".repeat(164))) {
            assertThat(ConsoleChannels.isValid(valid)).as(valid).isTrue();
        }
        for (String invalid : List.of("", "a b", "a/b", "é", "a\n", "a%20b", "A".repeat(165), "a*", "a:b")) {
            assertThat(ConsoleChannels.isValid(invalid)).as(invalid).isFalse();
        }
        assertThat(ConsoleChannels.isValid(null)).isFalse();
    }

    @Test
    void eventNamesHaveNoControlCharactersAndAreNotThePusherOnes() {
        for (String valid : List.of("console.line", "client-typing", "é ü", "x".repeat(200))) {
            assertThat(ConsoleChannels.requireValidEvent(valid)).isEqualTo(valid);
        }
        for (String invalid : List.of("", "a\tb", "a\u007fb", "pusher:subscribe", "pusher_internal:x", "x".repeat(201))) {
            assertThatThrownBy(() -> ConsoleChannels.requireValidEvent(invalid)).as(invalid)
                    .isInstanceOf(RejectedCommand.class);
        }
    }
}
