package io.agentworkspace.ops;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine;

import io.agentworkspace.infrastructure.RejectedCommand;

/**
 * {@code java -jar agent-workspace.jar ops [--<spring property>=<value>...] <command> [options]}: the same jar,
 * configuration and profiles as the service, without the web server. Arguments that name a property (a dotted
 * name, e.g. {@code --spring.profiles.active=mysql}) configure the application; the rest are the command's.
 * The application starts only once the command line parsed, so {@code --help} and bad options cost nothing.
 * Stdout carries only the command's output (a token, NDJSON events, a report); logs and progress bars go to stderr.
 */
public final class OpsCommandLine {

    /** Exit codes besides picocli's 0 (ok) and 2 (usage). */
    static final int FAILED = 1;
    static final int BAD_INPUT = 2;
    static final int CONFLICT = 3;
    static final int UNAVAILABLE = 4;

    private static final Pattern PROPERTY = Pattern.compile("--[A-Za-z0-9_-]+\\.[^=]*=.*");

    private OpsCommandLine() {
    }

    /** What every command gets: the application (started on first use) and the two output streams. */
    record Ops(Supplier<ApplicationContext> application, PrintStream out, PrintStream err) {
        <T> T bean(Class<T> type) {
            return application.get().getBean(type);
        }
    }

    public static int run(Class<?> application, String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        List<String> properties = new ArrayList<>();
        List<String> command = new ArrayList<>();
        for (String arg : args) {
            (PROPERTY.matcher(arg).matches() ? properties : command).add(arg);
        }
        // what the framework logs goes to stderr: stdout is the command's alone
        System.setOut(err);
        Lazy context = new Lazy(application, properties);
        try {
            return execute(new Ops(context, out, err), command.toArray(String[]::new));
        } finally {
            context.close();
            System.setOut(out);
        }
    }

    /** Runs one command against an application context (tests pass one they already have). */
    static int execute(Ops ops, String... args) {
        CommandLine commandLine = new CommandLine(new Commands.Root(), new Factory(ops));
        commandLine.setOut(new java.io.PrintWriter(ops.out(), true));
        commandLine.setErr(new java.io.PrintWriter(ops.err(), true));
        commandLine.setExecutionExceptionHandler((failure, line, parsed) -> {
            Throwable cause = failure;
            while (!(cause instanceof RejectedCommand) && cause.getCause() != null && cause.getCause() != cause) {
                cause = cause.getCause();
            }
            if (cause instanceof RejectedCommand rejected) {
                ops.err().println("error: " + rejected.getMessage());
                return switch (rejected.reason()) {
                    case INVALID, NOT_FOUND -> BAD_INPUT;
                    case CONFLICT -> CONFLICT;
                    case UNAVAILABLE, TOO_MANY_ATTEMPTS -> UNAVAILABLE;
                };
            }
            ops.err().println("error: " + (failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage()));
            return FAILED;
        });
        return commandLine.execute(args);
    }

    private record Factory(Ops ops) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> type) throws Exception {
            try {
                return type.getDeclaredConstructor(Ops.class).newInstance(ops);
            } catch (NoSuchMethodException noOpsConstructor) {
                return CommandLine.defaultFactory().create(type);
            }
        }
    }

    private static final class Lazy implements Supplier<ApplicationContext> {
        private final Class<?> application;
        private final List<String> properties;
        private ConfigurableApplicationContext context;

        Lazy(Class<?> application, List<String> properties) {
            this.application = application;
            this.properties = properties;
        }

        @Override
        public synchronized ApplicationContext get() {
            if (context == null) {
                // as arguments, so that they win over application.yml: a command must not mint a token nobody
                // asked for, nor start rebuilds, nor take runs (nor, sharing the service's data directory and so its
                // node id, interrupt the service's running runs as if this node had restarted)
                List<String> arguments = new ArrayList<>(List.of("--agent.auth.bootstrap-admin-token=false",
                        "--agent.projections.rebuild-outdated=false", "--agent.runs.dispatch-enabled=false"));
                arguments.addAll(properties);
                context = new SpringApplicationBuilder(application)
                        .web(WebApplicationType.NONE)
                        .bannerMode(Banner.Mode.OFF)
                        .logStartupInfo(false)
                        // logs stay quiet unless asked for
                        .properties("logging.level.root=WARN", "logging.level.io.agentworkspace=WARN")
                        .run(arguments.toArray(String[]::new));
            }
            return context;
        }

        synchronized void close() {
            if (context != null) {
                context.close();
            }
        }
    }
}
