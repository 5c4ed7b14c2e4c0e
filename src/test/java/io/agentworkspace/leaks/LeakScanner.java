package io.agentworkspace.leaks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The secret-leak scanner CI runs after the test suite (deploy/dev/test.sh): looks through the repository's
 * tracked files, and everything the tests left under target/ (their logs, the API responses they captured, the
 * data directories of the embedded runs, the dump of every test database, event stores included) for known
 * secret formats and for every secret value the tests set (registered as canaries). Prints where, never what;
 * exits 1 on any hit.
 *
 * Usage: LeakScanner <repository root> [--files file-list] — with no list, scans target/ of the root.
 */
public final class LeakScanner {

    /** Known formats of live credentials. */
    static final Map<String, Pattern> KNOWN = Map.of(
            "openai-key", Pattern.compile("sk-(?!ant-)[A-Za-z0-9_-]{32,}"),
            "anthropic-key", Pattern.compile("sk-ant-[A-Za-z0-9_-]{20,}"),
            "aws-access-key", Pattern.compile("AKIA[0-9A-Z]{16}"),
            "private-key", Pattern.compile("-----BEGIN (RSA |EC |OPENSSH |DSA )?PRIVATE KEY-----"),
            "slack-token", Pattern.compile("xox[baprs]-[A-Za-z0-9-]{10,}"),
            "github-token", Pattern.compile("gh[pousr]_[A-Za-z0-9]{36}"),
            "agent-workspace-token", Pattern.compile("aw_[0-9a-f]{16}\\.[A-Za-z0-9_-]{43}"));

    /** Where a product token legitimately appears: the responses that hand one out, the bootstrap file. */
    static boolean tokenAllowedIn(Path file, String content) {
        String name = file.getFileName().toString();
        if (name.equals("admin-token")) {
            return true;
        }
        return file.toString().contains("api-captures")
                && (content.startsWith("POST /api/tokens\n") || content.startsWith("POST /api/pair\n")
                || content.startsWith("POST /api/me/renew\n"));
    }

    static final List<String> SKIPPED = List.of("/classes/", "/test-classes/", "/leak-canaries/", "/maven-status/",
            "/generated-sources/", "/generated-test-sources/", "/node_modules/", "/.git/", "/surefire/", "/maven-archiver/");

    public record Hit(Path file, int line, String what) {
        @Override
        public String toString() {
            return file + ":" + line + " " + what;
        }
    }

    private final List<String> canaries;

    public LeakScanner(List<String> canaries) {
        this.canaries = canaries.stream().filter(c -> c.length() >= 8).toList();
    }

    public static List<String> readCanaries(Path dir) throws IOException {
        List<String> values = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            try (Stream<Path> files = Files.list(dir)) {
                for (Path file : files.toList()) {
                    for (String line : Files.readAllLines(file)) {
                        if (!line.isBlank()) {
                            values.add(new String(Base64.getDecoder().decode(line.strip()), StandardCharsets.UTF_8));
                        }
                    }
                }
            }
        }
        return values;
    }

    public List<Hit> scan(List<Path> files) {
        List<Hit> hits = new ArrayList<>();
        for (Path file : files) {
            String normalized = file.toString().replace('\\', '/');
            if (SKIPPED.stream().anyMatch(normalized::contains) || normalized.endsWith(".jar")) {
                continue;
            }
            scanFile(file, hits);
        }
        return hits;
    }

    private void scanFile(Path file, List<Hit> hits) {
        String content;
        try {
            if (!Files.isRegularFile(file) || Files.size(file) > 512L * 1024 * 1024) {
                return;
            }
            // ISO-8859-1 maps every byte to a char: binary files (H2 pages, dumps) are searched as they are
            content = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        String utf8View = new String(content.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
        for (int i = 0; i < canaries.size(); i++) {
            String canary = canaries.get(i);
            int at = utf8View.indexOf(canary);
            if (at >= 0) {
                hits.add(new Hit(file, lineOf(utf8View, at), "secret value set by a test (canary #" + (i + 1) + ")"));
            }
        }
        for (var known : KNOWN.entrySet()) {
            Matcher matcher = known.getValue().matcher(content);
            while (matcher.find()) {
                if (known.getKey().equals("agent-workspace-token") && tokenAllowedIn(file, content)) {
                    break;
                }
                hits.add(new Hit(file, lineOf(content, matcher.start()), "looks like a " + known.getKey()));
            }
        }
    }

    private static int lineOf(String content, int offset) {
        int line = 1;
        for (int i = 0; i < offset; i++) {
            if (content.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    public static void main(String[] args) throws IOException {
        Path root = Path.of(args.length > 0 ? args[0] : ".").toAbsolutePath().normalize();
        List<Path> files = new ArrayList<>();
        if (args.length > 2 && args[1].equals("--files")) {
            for (String line : Files.readAllLines(Path.of(args[2]))) {
                if (!line.isBlank()) {
                    files.add(root.resolve(line));
                }
            }
        } else {
            try (Stream<Path> walk = Files.walk(root.resolve("target"))) {
                walk.filter(Files::isRegularFile).forEach(files::add);
            }
        }
        List<String> canaries = readCanaries(root.resolve("target/leak-canaries"));
        List<Hit> hits = new LeakScanner(canaries).scan(files);
        System.out.printf("leak scan: %d files, %d canaries, %d known formats: %d hits%n", files.size(),
                canaries.size(), KNOWN.size(), hits.size());
        hits.forEach(hit -> System.out.println("  LEAK " + hit));
        if (!hits.isEmpty()) {
            System.exit(1);
        }
    }
}
