package io.agentworkspace.secret;

import java.time.Duration;
import java.time.LocalDateTime;
import java.util.function.Predicate;

import io.r2dbc.spi.Readable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;

import io.agentworkspace.infrastructure.RejectedCommand;
import io.agentworkspace.infrastructure.axon.Commands;
import io.agentworkspace.infrastructure.persistence.UtcColumns;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The secrets API for the web layer: set, rotate, erase, and list metadata (read-your-writes). */
@Component
public class Secrets {

    private static final String COLUMNS = "name, version, hint, fingerprint, created_at, updated_at, updated_by, erased_at";

    private final DatabaseClient db;
    private final Commands commands;

    Secrets(DatabaseClient db, Commands commands) {
        this.db = db;
        this.commands = commands;
    }

    public Mono<SecretView> set(String name, SecretValue value, String by) {
        SecretName.check(name);
        return commands.<Long>send(new SetSecret(name, value, by))
                .flatMap(version -> await(name, view -> view.version() >= version && view.erasedAt() == null));
    }

    public Mono<SecretView> erase(String name, String by) {
        SecretName.check(name);
        return commands.send(new EraseSecret(name, by)).then(await(name, view -> view.erasedAt() != null));
    }

    public Flux<SecretView> all() {
        return db.sql("SELECT " + COLUMNS + " FROM secrets ORDER BY name").map(Secrets::view).all();
    }

    public Mono<SecretView> byName(String name) {
        SecretName.check(name);
        return db.sql("SELECT " + COLUMNS + " FROM secrets WHERE name = :name").bind("name", name)
                .map(Secrets::view).one();
    }

    private Mono<SecretView> await(String name, Predicate<SecretView> wanted) {
        return byName(name).filter(wanted)
                .repeatWhenEmpty(repeats -> repeats.delayElements(Duration.ofMillis(20)))
                .timeout(Duration.ofSeconds(10), Mono.error(() -> new RejectedCommand(RejectedCommand.Reason.UNAVAILABLE,
                        "projection-lagging", null, "The change was recorded but is not visible yet; retry shortly.")));
    }

    private static SecretView view(Readable row) {
        return new SecretView(row.get("name", String.class), ((Number) row.get("version")).longValue(),
                row.get("hint", String.class), row.get("fingerprint", String.class),
                UtcColumns.instant(row.get("created_at", LocalDateTime.class)), UtcColumns.instant(row.get("updated_at", LocalDateTime.class)),
                row.get("updated_by", String.class), UtcColumns.instant(row.get("erased_at", LocalDateTime.class)));
    }
}
