package io.agentworkspace.auth;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * What a token may do. Controllers demand one with {@code @PreAuthorize("hasAuthority('projects:write')")}; the
 * authority names are the wire names below. {@link #ALL} grants every ability.
 */
public enum Ability {
    PROJECTS_READ("projects:read"),
    PROJECTS_WRITE("projects:write"),
    RUNS_READ("runs:read"),
    RUNS_WRITE("runs:write"),
    CONSOLE_SUBSCRIBE("console:subscribe"),
    CONSOLE_PUBLISH("console:publish"),
    SNAPSHOTS_READ("snapshots:read"),
    SNAPSHOTS_WRITE("snapshots:write"),
    SECRETS_READ("secrets:read"),
    SECRETS_WRITE("secrets:write"),
    TOKENS_MANAGE("tokens:manage"),
    DEVICES_PAIR("devices:pair"),
    EVENTS_READ("events:read"),
    PROJECTIONS_READ("projections:read"),
    PROJECTIONS_REBUILD("projections:rebuild"),
    ALL("*");

    private final String wireName;

    Ability(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<Ability> ofWireName(String name) {
        return Arrays.stream(values()).filter(ability -> ability.wireName.equals(name)).findFirst();
    }

    /** The abilities a set of granted ones stands for: {@code *} expands to all of them. */
    public static Set<Ability> expand(Set<Ability> granted) {
        if (granted.contains(ALL)) {
            return EnumSet.allOf(Ability.class);
        }
        return granted.isEmpty() ? EnumSet.noneOf(Ability.class) : EnumSet.copyOf(granted);
    }
}
