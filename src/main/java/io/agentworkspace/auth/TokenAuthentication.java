package io.agentworkspace.auth;

import java.util.Collection;
import java.util.List;

import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * An authenticated token: the principal plus one authority per ability it stands for ({@code *} expanded), so
 * {@code hasAuthority('projects:write')} reads as it should. Credentials are never kept.
 */
final class TokenAuthentication extends AbstractAuthenticationToken {

    private final TokenPrincipal principal;

    TokenAuthentication(TokenPrincipal principal) {
        super(authorities(principal));
        this.principal = principal;
        setAuthenticated(true);
    }

    private static Collection<GrantedAuthority> authorities(TokenPrincipal principal) {
        List<GrantedAuthority> granted = Ability.expand(principal.abilities()).stream()
                .map(ability -> (GrantedAuthority) new SimpleGrantedAuthority(ability.wireName()))
                .toList();
        return granted;
    }

    @Override
    public Object getCredentials() {
        return "";
    }

    @Override
    public TokenPrincipal getPrincipal() {
        return principal;
    }

    @Override
    public String getName() {
        return principal.tokenId();
    }
}
