package io.agentworkspace.workspace;

import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Which remote repositories the service may clone and pull ({@code agent.projects.remote.*}).
 *
 * @param schemes         URL schemes a project's {@code gitUrl} may use: {@code https}, and {@code ssh} (which also
 *                        covers the {@code user@host:path} form) when listed; cleartext {@code http} and
 *                        {@code git} only when listed too
 * @param allowedNetworks addresses (CIDR, e.g. {@code 10.1.2.3/32}) that may be reached although they are private,
 *                        loopback or link-local: internal git servers
 */
@ConfigurationProperties("agent.projects.remote")
public record RemoteSettings(@DefaultValue("https") List<String> schemes, @DefaultValue List<String> allowedNetworks) {
}
