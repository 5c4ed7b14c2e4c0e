package io.agentworkspace.snapshot;

/** An S3 access key pair. Its string form never shows the secret. */
public record S3Credentials(String accessKeyId, String secretAccessKey) {

    @Override
    public String toString() {
        return "S3Credentials[accessKeyId=" + accessKeyId + ", secretAccessKey=****]";
    }
}
