package io.agentworkspace.snapshot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3AsyncClientBuilder;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.multipart.MultipartConfiguration;

/**
 * Archives as objects in an S3 bucket (AWS or any S3-compatible server), through the AWS SDK v2 asynchronous
 * client: archives from the multipart threshold up are uploaded in parts, several at once. The SDK's own
 * checksums are asked for only where S3 requires them: the archive's SHA-256, kept in the event history, is the
 * integrity check, and S3-compatible servers differ in which checksum trailers they understand.
 */
final class S3ArchiveStore implements ArchiveStore, AutoCloseable {

    private final S3AsyncClient client;
    private final String bucket;
    private final String prefix;

    S3ArchiveStore(SnapshotSettings.S3 settings, S3CredentialsSource credentials) {
        if (settings.bucket() == null || settings.bucket().isBlank()) {
            throw new IllegalStateException("agent.snapshots.s3.bucket must be set for the s3 snapshot driver");
        }
        this.bucket = settings.bucket();
        this.prefix = settings.prefix();
        S3AsyncClientBuilder builder = S3AsyncClient.builder()
                .region(Region.of(settings.region()))
                .credentialsProvider(provider(credentials))
                .forcePathStyle(settings.pathStyleAccess())
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClientBuilder(NettyNioAsyncHttpClient.builder().maxConcurrency(settings.maxConcurrency()))
                .overrideConfiguration(ClientOverrideConfiguration.builder().apiCallTimeout(settings.timeout()).build())
                .multipartEnabled(true)
                .multipartConfiguration(MultipartConfiguration.builder()
                        .thresholdInBytes(settings.multipartThreshold().toBytes())
                        .minimumPartSizeInBytes(settings.partSize().toBytes())
                        .build());
        if (settings.endpoint() != null) {
            builder.endpointOverride(settings.endpoint());
        }
        this.client = builder.build();
    }

    private static AwsCredentialsProvider provider(S3CredentialsSource source) {
        AwsCredentialsProvider fallback = DefaultCredentialsProvider.builder().build();
        return () -> source.credentials()
                .<software.amazon.awssdk.auth.credentials.AwsCredentials>map(c ->
                        AwsBasicCredentials.create(c.accessKeyId(), c.secretAccessKey()))
                .orElseGet(fallback::resolveCredentials);
    }

    @Override
    public String driver() {
        return "s3";
    }

    @Override
    public void store(String key, Path archive) throws IOException {
        long size = Files.size(archive);
        await(client.putObject(request -> request.bucket(bucket).key(prefix + key)
                .contentType("application/gzip").contentLength(size), AsyncRequestBody.fromFile(archive)), key);
    }

    @Override
    public Path fetch(String key, Path scratch) throws IOException {
        Path target = scratch.resolve("archive.tar.gz");
        Files.deleteIfExists(target);
        await(client.getObject(request -> request.bucket(bucket).key(prefix + key),
                AsyncResponseTransformer.toFile(target)), key);
        return target;
    }

    /** Every key under this store's prefix, relative to it. */
    java.util.List<String> list() throws IOException {
        java.util.List<String> keys = new java.util.ArrayList<>();
        await(client.listObjectsV2Paginator(request -> request.bucket(bucket).prefix(prefix))
                .subscribe(page -> page.contents().forEach(object -> keys.add(object.key().substring(prefix.length())))),
                prefix);
        return keys;
    }

    @Override
    public void delete(String key) throws IOException {
        await(client.deleteObject(request -> request.bucket(bucket).key(prefix + key)), key);
    }

    /** Waits on a worker thread (never an event loop) and turns S3's answers into the store's vocabulary. */
    private static <T> T await(CompletableFuture<T> call, String key) throws IOException {
        try {
            return call.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof NoSuchKeyException || (cause instanceof S3Exception s3 && s3.statusCode() == 404)) {
                throw new ArchiveMissing(key);
            }
            throw new IOException("S3 " + (cause == null ? e.getMessage() : cause.getClass().getSimpleName() + ": "
                    + cause.getMessage()), cause);
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
