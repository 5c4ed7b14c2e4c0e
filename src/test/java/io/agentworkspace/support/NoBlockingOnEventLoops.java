package io.agentworkspace.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

import reactor.blockhound.BlockHound;
import reactor.blockhound.BlockingOperationError;

/**
 * BlockHound, installed for the whole test run: a blocking call (JDBC, file I/O, sleeping, waiting on a lock) on a
 * Netty event loop or a Reactor non-blocking thread throws there, and every test class fails afterwards if any
 * happened during it, even where the throw was swallowed.
 */
public final class NoBlockingOnEventLoops implements LauncherSessionListener, AfterAllCallback {

    private static final List<String> VIOLATIONS = new CopyOnWriteArrayList<>();

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        // install(...) also applies the integrations on the classpath: Reactor's schedulers, Netty's event loops
        BlockHound.install(builder -> builder
                // SecureRandom reads /dev/urandom, which never blocks on Linux
                .allowBlockingCallsInside("java.util.UUID", "randomUUID")
                // console logging writes to a pipe; accepted here, as everywhere in Reactor applications
                .allowBlockingCallsInside("ch.qos.logback.core.OutputStreamAppender", "writeBytes")
                // one-off reads from the class path, cached afterwards, of the same kind as class loading (which
                // BlockHound allows): validation message bundles, and Netty's zstd codec loading its native library
                .allowBlockingCallsInside("java.util.ResourceBundle", "getBundle")
                .allowBlockingCallsInside("io.netty.handler.codec.compression.Zstd", "<clinit>")
                // Lettuce serializes writers to a connection with a lock held for a few instructions; throwing
                // inside it would leave the lock taken and the connection dead
                .allowBlockingCallsInside("io.lettuce.core.protocol.SharedLock", "incrementWriters")
                .allowBlockingCallsInside("io.lettuce.core.protocol.SharedLock", "lockWritersExclusive")
                // the AWS SDK's Netty client closes its connection pools on Netty's global executor when the
                // application (a test context) shuts down: a wait for closing channels, never on a request path
                .allowBlockingCallsInside("io.netty.channel.pool.SimpleChannelPool", "close")
                // a span ended on an event loop is queued for export behind a lock held for a few instructions (the
                // export itself runs on the processor's own thread)
                .allowBlockingCallsInside("io.opentelemetry.sdk.trace.export.BatchSpanProcessor$Worker", "addSpan")
                .blockingMethodCallback(method -> {
                    StringBuilder where = new StringBuilder(method + " on " + Thread.currentThread().getName());
                    java.util.Arrays.stream(Thread.currentThread().getStackTrace()).skip(2).limit(60)
                            .forEach(frame -> where.append("\n    at ").append(frame));
                    VIOLATIONS.add(where.toString());
                    throw new BlockingOperationError(method);
                }));
    }

    @Override
    public void afterAll(ExtensionContext context) {
        List<String> found = List.copyOf(VIOLATIONS);
        VIOLATIONS.clear();
        assertThat(found).as("blocking calls on non-blocking threads during " + context.getDisplayName()).isEmpty();
    }
}
