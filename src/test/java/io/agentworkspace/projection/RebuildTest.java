package io.agentworkspace.projection;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.ReplayToken;
import org.axonframework.eventhandling.TrackingToken;
import org.junit.jupiter.api.Test;

class RebuildTest {

    private static TrackingToken at(long position) {
        return GapAwareTrackingToken.newInstance(position, List.of());
    }

    @Test
    void aLiveProcessorStillWrappedInAReplayTokenIsCoveredByWhereTheRebuildGot() {
        // a processor that started on an existing history (or was reset) and reached its head: still a ReplayToken
        TrackingToken replaying = ReplayToken.createReplayToken(at(200_000), at(200_000));
        assertThat(replaying).isInstanceOf(ReplayToken.class);
        assertThat(Rebuild.coversAll(at(200_000), List.of(replaying))).isTrue();
        assertThat(Rebuild.coversAll(at(199_999), List.of(at(10), replaying))).isFalse();
        assertThat(Rebuild.coversAll(at(200_000), List.of(at(10), at(200_000)))).isTrue();
        assertThat(Rebuild.coversAll(null, List.of(at(10)))).isFalse();
    }
}
