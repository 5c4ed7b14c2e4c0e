package io.agentworkspace.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import com.zaxxer.hikari.HikariDataSource;
import org.axonframework.common.jdbc.UnitOfWorkAwareConnectionProviderWrapper;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.axonframework.messaging.MetaData;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.json.JacksonSerializer;
import org.axonframework.spring.jdbc.SpringDataSourceConnectionProvider;
import org.axonframework.spring.messaging.unitofwork.SpringTransactionManager;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.support.JdbcTransactionManager;

import io.agentworkspace.infrastructure.axon.EventJson;
import io.agentworkspace.project.ProjectRegistered;
import io.agentworkspace.support.TestServices;

/**
 * Event-store append throughput on MariaDB with durable commits (innodb_flush_log_at_trx_commit=1, sync_binlog=1
 * as deploy/dev/services.sh starts it), against raw JDBC INSERTs of rows of the same size into the same server in
 * the same run. The engine is Axon's JdbcEventStorageEngine exactly as the application configures it (Jackson,
 * Spring transactions, LONGBLOB payloads).
 *
 * Run: deploy/dev/bench.sh EventStoreAppendBenchmark [seconds-per-run]
 */
public final class EventStoreAppendBenchmark {

    interface Writer {
        /** Appends {@code count} events in one transaction. */
        void append(int writer, int count) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        String database = TestServices.createDatabase();
        HikariDataSource dataSource = new HikariDataSource();
        dataSource.setJdbcUrl(TestServices.jdbcUrl(database));
        dataSource.setUsername(TestServices.mariaDbUser());
        dataSource.setPassword(TestServices.mariaDbPassword());
        dataSource.setMaximumPoolSize(16);
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration/mysql").load().migrate();
        try (Connection c = dataSource.getConnection()) {
            c.createStatement().execute("CREATE TABLE bench_raw_events LIKE DomainEventEntry");
        }

        Serializer serializer = JacksonSerializer.builder().objectMapper(EventJson.mapper()).build();
        SpringTransactionManager transactions = new SpringTransactionManager(new JdbcTransactionManager(dataSource));
        JdbcEventStorageEngine engine = JdbcEventStorageEngine.builder()
                .connectionProvider(new UnitOfWorkAwareConnectionProviderWrapper(new SpringDataSourceConnectionProvider(dataSource)))
                .transactionManager(transactions)
                .eventSerializer(serializer)
                .snapshotSerializer(serializer)
                .build();

        ProjectRegistered payload = new ProjectRegistered(UUID.randomUUID().toString(), "benchmark-project",
                "git-url", "https://git.example.com/acme/benchmark-project.git", Instant.now());
        SerializedObject<byte[]> payloadBytes = serializer.serialize(payload, byte[].class);
        byte[] metaBytes = serializer.serialize(MetaData.emptyInstance(), byte[].class).getData();
        AtomicLong[] sequences = new AtomicLong[8];
        String[] aggregates = new String[8];
        for (int i = 0; i < 8; i++) {
            sequences[i] = new AtomicLong();
            aggregates[i] = UUID.randomUUID().toString();
        }

        Writer axon = (writer, count) -> {
            List<DomainEventMessage<?>> events = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                events.add(new GenericDomainEventMessage<>("Project", aggregates[writer],
                        sequences[writer].getAndIncrement(), payload));
            }
            transactions.executeInTransaction(() -> engine.appendEvents(events));
        };
        AtomicLong rawSequence = new AtomicLong();
        Writer raw = (writer, count) -> {
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(false);
                try (PreparedStatement insert = c.prepareStatement("INSERT INTO bench_raw_events (eventIdentifier, "
                        + "aggregateIdentifier, sequenceNumber, type, timeStamp, payloadType, payloadRevision, payload, "
                        + "metaData) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                    for (int i = 0; i < count; i++) {
                        insert.setString(1, UUID.randomUUID().toString());
                        insert.setString(2, aggregates[writer]);
                        insert.setLong(3, rawSequence.getAndIncrement());
                        insert.setString(4, "Project");
                        insert.setString(5, Instant.now().toString());
                        insert.setString(6, payloadBytes.getType().getName());
                        insert.setString(7, payloadBytes.getType().getRevision());
                        insert.setBytes(8, payloadBytes.getData());
                        insert.setBytes(9, metaBytes);
                        insert.addBatch();
                    }
                    insert.executeBatch();
                }
                c.commit();
            }
        };

        Long serverPid = HostCpu.mariaDbPid();
        System.out.printf("Event-store append benchmark: MariaDB %s, payload %d B + metadata %d B per event, %d s per run, "
                        + "3 runs per configuration after an untimed warm-up run%n",
                serverVersion(dataSource), payloadBytes.getData().length, metaBytes.length, seconds);
        System.out.println("| configuration | writers | events/tx | events/s median | min–max | server CPU µs/event | CPU |");
        System.out.println("|---|---|---|---|---|---|---|");
        Map<String, Writer> writers = Map.of("Axon JdbcEventStorageEngine", axon, "raw JDBC batched INSERT", raw);
        double[][] medians = new double[2][4];
        int row = 0;
        for (int perTx : new int[] {1, 100}) {
            for (int threads : new int[] {1, 8}) {
                int column = (perTx == 1 ? 0 : 2) + (threads == 1 ? 0 : 1);
                int which = 0;
                for (String name : List.of("Axon JdbcEventStorageEngine", "raw JDBC batched INSERT")) {
                    Writer writer = writers.get(name);
                    run(writer, threads, perTx, Math.max(2, seconds / 2), serverPid); // warm-up
                    double[] rates = new double[3];
                    String cpu = "";
                    double serverMicros = 0;
                    for (int r = 0; r < 3; r++) {
                        HostCpu meter = new HostCpu(serverPid);
                        HostCpu.Sample before = meter.sample();
                        long events = run(writer, threads, perTx, seconds, serverPid);
                        HostCpu.Sample after = meter.sample();
                        rates[r] = events / ((after.wallNanos() - before.wallNanos()) / 1e9);
                        cpu = HostCpu.describe(before, after);
                        serverMicros = HostCpu.serverSeconds(before, after) * 1e6 / Math.max(1, events);
                    }
                    Arrays.sort(rates);
                    medians[which][column] = rates[1];
                    System.out.printf("| %s | %d | %d | %.0f | %.0f–%.0f | %.0f | %s |%n", name, threads, perTx,
                            rates[1], rates[0], rates[2], serverMicros, cpu);
                    which++;
                }
                row++;
            }
        }
        System.out.println();
        System.out.println("| events/tx | writers | Axon / raw JDBC |");
        System.out.println("|---|---|---|");
        String[] labels = {"1 | 1", "1 | 8", "100 | 1", "100 | 8"};
        for (int c = 0; c < 4; c++) {
            System.out.printf("| %s | %.2f |%n", labels[c], medians[0][c] / medians[1][c]);
        }
        dataSource.close();
        TestServices.execute("DROP DATABASE " + database);
    }

    private static long run(Writer writer, int threads, int perTx, int seconds, Long serverPid) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong appended = new AtomicLong();
        CountDownLatch done = new CountDownLatch(threads);
        List<Exception> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            pool.execute(() -> {
                try {
                    while (!stop.get()) {
                        writer.append(id, perTx);
                        appended.addAndGet(perTx);
                    }
                } catch (Exception e) {
                    failures.add(e);
                } finally {
                    done.countDown();
                }
            });
        }
        Thread.sleep(seconds * 1000L);
        stop.set(true);
        done.await();
        pool.shutdown();
        if (!failures.isEmpty()) {
            throw failures.get(0);
        }
        return appended.get();
    }

    private static String serverVersion(HikariDataSource dataSource) throws Exception {
        try (Connection c = dataSource.getConnection()) {
            return c.getMetaData().getDatabaseProductVersion();
        }
    }
}
