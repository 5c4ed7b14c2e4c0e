package io.agentworkspace.infrastructure;

import java.nio.file.Path;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where this installation keeps its files and where its users reach it.
 *
 * @param dataDir   the node's local directory: workspaces, snapshots, the embedded database, keys
 *                  ({@code AGENT_DATA_DIR})
 * @param publicUrl the address browsers and phones use (a pairing code's QR payload, sign-in links); empty: the
 *                  address the request came to
 */
@ConfigurationProperties("agent")
public record InstallationSettings(@DefaultValue("./data") Path dataDir, @DefaultValue("") String publicUrl) {
}
