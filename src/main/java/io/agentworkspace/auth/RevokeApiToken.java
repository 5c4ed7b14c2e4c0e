package io.agentworkspace.auth;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

public record RevokeApiToken(@TargetAggregateIdentifier String tokenId, String reason, String revokedBy) {
}
