package io.agentworkspace.snapshot;

import java.util.Optional;

/**
 * Where the S3 driver gets its credentials, asked before every request so a rotated key takes effect at once.
 * Today they come from configuration ({@code agent.snapshots.s3.access-key-id} / {@code secret-access-key}); a
 * {@code @Primary} bean of this type (the secret store's) replaces that. Empty: the AWS default chain.
 */
public interface S3CredentialsSource {

    Optional<S3Credentials> credentials();
}
