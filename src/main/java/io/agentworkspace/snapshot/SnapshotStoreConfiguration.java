package io.agentworkspace.snapshot;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.agentworkspace.infrastructure.persistence.DataDirectory;

@Configuration(proxyBeanMethods = false)
class SnapshotStoreConfiguration {

    /** Credentials from configuration, until the secret store provides them (a {@code @Primary} bean). */
    @Bean
    S3CredentialsSource configuredS3Credentials(SnapshotSettings settings) {
        SnapshotSettings.S3 s3 = settings.s3();
        Optional<S3Credentials> configured = s3.accessKeyId() == null || s3.accessKeyId().isBlank()
                ? Optional.empty() : Optional.of(new S3Credentials(s3.accessKeyId(),
                s3.secretAccessKey() == null ? "" : s3.secretAccessKey()));
        return () -> configured;
    }

    @Bean
    ArchiveStores archiveStores(SnapshotSettings settings, DataDirectory data, S3CredentialsSource credentials) {
        Path localDirectory = settings.local().directory() != null
                ? settings.local().directory().toAbsolutePath().normalize()
                : data.directory("snapshots").resolve("archives");
        Map<String, ArchiveStore> stores = new HashMap<>();
        stores.put("local", new LocalArchiveStore(localDirectory));
        boolean s3Configured = settings.s3().bucket() != null && !settings.s3().bucket().isBlank();
        if (s3Configured || settings.driver().equals("s3")) {
            stores.put("s3", new S3ArchiveStore(settings.s3(), credentials));
        }
        ArchiveStore current = stores.get(settings.driver());
        if (current == null) {
            throw new IllegalStateException("agent.snapshots.driver must be local or s3, not " + settings.driver());
        }
        return new ArchiveStores(current, stores);
    }
}
