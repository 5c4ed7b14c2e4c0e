package io.agentworkspace.project;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import io.agentworkspace.infrastructure.RejectedCommand;

/**
 * Where a project's repository comes from: a remote git URL, or a repository already on this server's disk.
 * Parsing checks the form only; whether a local path really holds a repository is checked when the command is
 * handled.
 */
public record ProjectSource(Kind kind, String location) {

    public enum Kind {
        GIT_URL("git-url", "gitUrl"), LOCAL_PATH("local-path", "localPath");

        private final String wireName;
        private final String field;

        Kind(String wireName, String field) {
            this.wireName = wireName;
            this.field = field;
        }

        public String wireName() {
            return wireName;
        }

        public String field() {
            return field;
        }

        static Kind ofWireName(String wireName) {
            for (Kind kind : values()) {
                if (kind.wireName.equals(wireName)) {
                    return kind;
                }
            }
            throw new IllegalArgumentException("unknown source kind " + wireName);
        }
    }

    /** The scheme and host of a remote URL; the {@code user@host:path} form counts as ssh. */
    public record Remote(String scheme, String host) {
    }

    static final int MAX_LENGTH = 2048;
    private static final Set<String> SCHEMES = Set.of("https", "http", "ssh", "git");
    private static final Pattern SCP_LIKE = Pattern.compile("^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[^\\s:\\\\][^\\s]+$");
    private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}");

    public static ProjectSource gitUrl(String url) {
        String field = Kind.GIT_URL.field();
        checkText(url, field);
        if (SCP_LIKE.matcher(url).matches()) {
            return new ProjectSource(Kind.GIT_URL, url);
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw invalid(field, "gitUrl is not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!SCHEMES.contains(scheme)) {
            throw invalid(field, "gitUrl must use https, http, ssh or git (or the user@host:path form); "
                    + "register a repository on this server with localPath");
        }
        if (uri.getHost() == null || uri.getHost().isBlank() || uri.getPath() == null || uri.getPath().length() < 2) {
            throw invalid(field, "gitUrl must name a host and a repository path");
        }
        if (uri.getRawUserInfo() != null && (uri.getRawUserInfo().contains(":") || !scheme.equals("ssh"))) {
            throw invalid(field, "gitUrl must not embed credentials; store them as a secret instead");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw invalid(field, "gitUrl must not carry a query or a fragment");
        }
        return new ProjectSource(Kind.GIT_URL, url);
    }

    /** Where a remote URL points; only for {@link Kind#GIT_URL}. */
    public Remote remote() {
        if (kind != Kind.GIT_URL) {
            throw new IllegalStateException("a local path has no remote");
        }
        if (SCP_LIKE.matcher(location).matches()) {
            String host = location.substring(location.indexOf('@') + 1, location.indexOf(':'));
            return new Remote("ssh", host);
        }
        URI uri = URI.create(location);
        String host = uri.getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new Remote(uri.getScheme().toLowerCase(Locale.ROOT), host);
    }

    public static ProjectSource localPath(String path) {
        String field = Kind.LOCAL_PATH.field();
        checkText(path, field);
        Path parsed;
        try {
            parsed = Path.of(path);
        } catch (InvalidPathException e) {
            throw invalid(field, "localPath is not a valid path");
        }
        if (!parsed.isAbsolute()) {
            throw invalid(field, "localPath must be an absolute path");
        }
        return new ProjectSource(Kind.LOCAL_PATH, parsed.normalize().toString());
    }

    static ProjectSource of(String wireKind, String location) {
        return new ProjectSource(Kind.ofWireName(wireKind), location);
    }

    private static void checkText(String value, String field) {
        if (value.isBlank()) {
            throw invalid(field, field + " must not be blank");
        }
        if (value.length() > MAX_LENGTH) {
            throw invalid(field, field + " must be at most " + MAX_LENGTH + " characters");
        }
        if (CONTROL.matcher(value).find() || !value.strip().equals(value)) {
            throw invalid(field, field + " must not contain control characters or surrounding spaces");
        }
    }

    private static RejectedCommand invalid(String field, String message) {
        return RejectedCommand.invalid("invalid-project-source", field, message);
    }
}
