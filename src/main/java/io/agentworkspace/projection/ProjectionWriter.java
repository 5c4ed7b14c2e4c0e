package io.agentworkspace.projection;

import java.util.ArrayList;
import java.util.List;

import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * How every projection handler writes its tables, live and in a rebuild alike. Inside a unit of work (a processor's
 * batch, a rebuild's batch) the writes are queued and run, in the order they were made, when the unit of work
 * prepares to commit: consecutive writes of the same statement go to the database as one JDBC batch (one round trip
 * with MariaDB's bulk protocol) instead of one statement each. Outside a unit of work a write runs at once.
 * A handler that reads its own tables ({@link #queryForList}) or needs a write's row count ({@link #updateNow})
 * sees every write made before it: the queue runs first.
 */
@Component
public class ProjectionWriter {

    private static final String QUEUE = ProjectionWriter.class.getName() + ".queue";

    private final JdbcTemplate jdbc;

    ProjectionWriter(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Queues a write in the current unit of work, or runs it now outside one. */
    public void update(String sql, Object... args) {
        Queue queue = queue();
        if (queue == null) {
            jdbc.update(sql, args);
        } else {
            queue.add(sql, args);
        }
    }

    /** Runs the queued writes, then this one, now: for a handler that needs the number of rows it changed. */
    public int updateNow(String sql, Object... args) {
        flush();
        return jdbc.update(sql, args);
    }

    /** Reads the handler's own tables, after the writes queued before it. */
    public <T> List<T> queryForList(String sql, Class<T> type, Object... args) {
        flush();
        return jdbc.queryForList(sql, type, args);
    }

    /** Runs the writes queued so far in this unit of work. */
    public void flush() {
        Queue queue = queue();
        if (queue != null) {
            queue.flush(jdbc);
        }
    }

    private Queue queue() {
        if (!CurrentUnitOfWork.isStarted()) {
            return null;
        }
        UnitOfWork<?> root = CurrentUnitOfWork.get().root();
        return root.getOrComputeResource(QUEUE, key -> {
            Queue queue = new Queue();
            root.onPrepareCommit(committing -> queue.flush(jdbc));
            return queue;
        });
    }

    /** The writes of one unit of work, as runs of the same statement. */
    private static final class Queue {
        private final List<Run> runs = new ArrayList<>();

        void add(String sql, Object[] args) {
            Run last = runs.isEmpty() ? null : runs.get(runs.size() - 1);
            if (last == null || !last.sql.equals(sql)) {
                last = new Run(sql);
                runs.add(last);
            }
            last.rows.add(args);
        }

        void flush(JdbcTemplate jdbc) {
            for (Run run : runs) {
                if (run.rows.size() == 1) {
                    jdbc.update(run.sql, run.rows.get(0));
                } else {
                    jdbc.batchUpdate(run.sql, run.rows);
                }
            }
            runs.clear();
        }
    }

    private record Run(String sql, List<Object[]> rows) {
        Run(String sql) {
            this(sql, new ArrayList<>());
        }
    }
}
