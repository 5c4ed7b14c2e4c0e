package io.agentworkspace.auth;

import org.springframework.security.authentication.AbstractAuthenticationToken;

/** A bearer token as presented, before it is checked. Its text is dropped as soon as it has been checked. */
final class PresentedToken extends AbstractAuthenticationToken {

    private final String text;

    PresentedToken(String text) {
        super(null);
        this.text = text;
    }

    String text() {
        return text;
    }

    @Override
    public Object getCredentials() {
        return text;
    }

    @Override
    public Object getPrincipal() {
        return "bearer";
    }

    @Override
    public String toString() {
        return "PresentedToken[hidden]";
    }
}
