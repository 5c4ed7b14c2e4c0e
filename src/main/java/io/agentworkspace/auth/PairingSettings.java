package io.agentworkspace.auth;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Pairing phones with one-time codes (docs/security.md).
 *
 * @param codeTtl                how long a code can be redeemed
 * @param attemptsPerMinute      redeem attempts one client address (IPv6: its /64) may make per minute
 * @param attemptsPerMinuteTotal redeem attempts all clients together may make per minute
 * @param attemptsRetention      how long recorded attempts are kept
 * @param deviceTokenTtl         how long a phone's token lasts before it must renew
 * @param codeKey                the key codes are hashed with, base64 of at least 32 bytes; empty: derived from
 *                               the master key, or generated into the data directory on the embedded default
 */
@ConfigurationProperties("agent.pairing")
public record PairingSettings(@DefaultValue("5m") Duration codeTtl,
                              @DefaultValue("10") int attemptsPerMinute,
                              @DefaultValue("300") int attemptsPerMinuteTotal,
                              @DefaultValue("30d") Duration attemptsRetention,
                              @DefaultValue("90d") Duration deviceTokenTtl,
                              @DefaultValue("") String codeKey) {
}
