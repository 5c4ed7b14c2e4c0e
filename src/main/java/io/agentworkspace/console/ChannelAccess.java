package io.agentworkspace.console;

import org.springframework.security.access.AccessDeniedException;
import org.springframework.stereotype.Component;

import io.agentworkspace.auth.Ability;
import io.agentworkspace.auth.TokenPrincipal;

/**
 * The one place that decides whether a token may read a channel, for every transport (Pusher authorization, SSE,
 * polling). Tokens are not scoped to projects yet: any token with {@code console:subscribe} may read any channel.
 * Per-project scoping goes here.
 */
@Component
public class ChannelAccess {

    public boolean mayRead(TokenPrincipal caller, String channel) {
        return caller.can(Ability.CONSOLE_SUBSCRIBE);
    }

    public void checkRead(TokenPrincipal caller, String channel) {
        if (!mayRead(caller, channel)) {
            throw new AccessDeniedException("this token may not read " + channel);
        }
    }
}
