package io.agentworkspace.auth;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

record RevokePairing(@TargetAggregateIdentifier String pairingId, String revokedBy) {
}
