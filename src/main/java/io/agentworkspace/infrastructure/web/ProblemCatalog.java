package io.agentworkspace.infrastructure.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.core.io.ClassPathResource;
import org.springframework.stereotype.Component;

/**
 * The problem vocabulary as docs/errors.md tables it (the file ships in the jar): each {@code type}'s status and
 * when it is given. The OpenAPI document lists an operation's problem types from here, and {@code /problems/{type}}
 * serves each type's documentation, so the table stays the single place a type is described.
 */
@Component
public class ProblemCatalog {

    static final String SOURCE = "docs/errors.md";
    private static final Pattern ROW = Pattern.compile("^\\|(.+?)\\|\\s*(\\d{3})\\s*\\|(.*)\\|\\s*$");
    private static final Pattern TYPE = Pattern.compile("`(?:/problems/)?([a-z0-9]+(?:-[a-z0-9]+)*)`");

    /** One type of problem: its slug (the part after {@code /problems/}), status and when it is given. */
    public record Entry(String type, int status, String when) {

        public String uri() {
            return "/problems/" + type;
        }
    }

    private final Map<String, Entry> entries;

    ProblemCatalog() {
        this(read());
    }

    ProblemCatalog(String markdown) {
        Map<String, Entry> parsed = new TreeMap<>();
        for (String line : markdown.split("\n")) {
            Matcher row = ROW.matcher(line.strip());
            if (!row.matches()) {
                continue;
            }
            int status = Integer.parseInt(row.group(2));
            String when = row.group(3).strip();
            Matcher type = TYPE.matcher(row.group(1));
            while (type.find()) {
                parsed.merge(type.group(1), new Entry(type.group(1), status, when), (first, again) -> {
                    if (first.status() != again.status()) {
                        throw new IllegalStateException(SOURCE + " gives " + first.type() + " two statuses");
                    }
                    return again.when().isEmpty() || first.when().contains(again.when()) ? first
                            : new Entry(first.type(), status, first.when() + "; " + again.when());
                });
            }
        }
        this.entries = Collections.unmodifiableMap(parsed);
    }

    public Optional<Entry> find(String type) {
        return Optional.ofNullable(entries.get(type));
    }

    /** The type's entry; a type the table does not list is a mistake in the code that names it. */
    public Entry require(String type) {
        return find(type).orElseThrow(() -> new IllegalStateException(
                "problem type " + type + " is not documented in " + SOURCE));
    }

    public Collection<Entry> all() {
        return entries.values();
    }

    private static String read() {
        try (InputStream in = new ClassPathResource(SOURCE).getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(SOURCE + " is missing from the class path", e);
        }
    }
}
