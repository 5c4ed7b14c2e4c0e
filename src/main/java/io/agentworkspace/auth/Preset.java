package io.agentworkspace.auth;

import static io.agentworkspace.auth.Ability.*;

import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/** Role presets in the Sanctum spirit: a named set of abilities to issue a token with. */
public enum Preset {
    ADMIN("admin", EnumSet.of(ALL)),
    OPERATOR("operator", EnumSet.of(PROJECTS_READ, PROJECTS_WRITE, RUNS_READ, RUNS_WRITE, CONSOLE_SUBSCRIBE,
            SNAPSHOTS_READ, SNAPSHOTS_WRITE, SECRETS_READ, PROJECTIONS_READ, DEVICES_PAIR)),
    AUDITOR("auditor", EnumSet.of(PROJECTS_READ, RUNS_READ, SNAPSHOTS_READ, SECRETS_READ, EVENTS_READ, PROJECTIONS_READ)),
    MOBILE("mobile", EnumSet.of(PROJECTS_READ, RUNS_READ, RUNS_WRITE, CONSOLE_SUBSCRIBE, SNAPSHOTS_READ));

    private final String wireName;
    private final Set<Ability> abilities;

    Preset(String wireName, Set<Ability> abilities) {
        this.wireName = wireName;
        this.abilities = abilities;
    }

    public String wireName() {
        return wireName;
    }

    public Set<Ability> abilities() {
        return EnumSet.copyOf(abilities);
    }

    public static Optional<Preset> ofWireName(String name) {
        for (Preset preset : values()) {
            if (preset.wireName.equals(name)) {
                return Optional.of(preset);
            }
        }
        return Optional.empty();
    }
}
