package io.agentworkspace.projection;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.lang.Nullable;
import org.springframework.stereotype.Component;

/**
 * How every projection handler writes its tables, live and in a rebuild alike. Inside a unit of work (a processor's
 * batch, a rebuild's batch) the writes are queued and run when the unit of work prepares to commit, as JDBC batches
 * (one round trip each with MariaDB's bulk protocol) instead of one statement each.
 * <p>
 * A write that names its row ({@link #updateRow}: the entity's id, its only row in that table) may run before the
 * writes of other rows queued ahead of it: the queue runs in rounds, the first write of every row, then the second,
 * and so on, each round one batch per statement. A run's queued/starting/started/succeeded updates over a thousand
 * runs are then four batches, not four thousand statements. The writes of one row keep their order. A write that
 * names no row ({@link #update}: a reset, a statement over many rows) is a barrier: what was queued before it runs
 * before it, what comes after, after.
 * <p>
 * Rounds assume that writes of different rows commute. A write that could conflict with another row's write must
 * therefore be a barrier ({@link #update}, naming no row): e.g. one on a UNIQUE column other than the key, whose
 * value one row frees and another takes in the same batch, where a round could run the taking before the freeing.
 * <p>
 * Outside a unit of work a write runs at once. Handlers do not read their own tables back: inside a unit of work a
 * read would not see the writes still queued.
 */
@Component
public class ProjectionWriter {

    private static final String QUEUE = ProjectionWriter.class.getName() + ".queue";

    private final JdbcTemplate jdbc;

    ProjectionWriter(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Queues a write in the current unit of work, in order with every other write, or runs it now outside one. */
    public void update(String sql, Object... args) {
        write(null, sql, args);
    }

    /**
     * Queues a write of the one row {@code row} names (in the handler's table: the entity's id), or runs it now
     * outside a unit of work. It may run before queued writes of other rows, never before earlier ones of its own.
     */
    public void updateRow(String row, String sql, Object... args) {
        write(java.util.Objects.requireNonNull(row, "row"), sql, args);
    }

    private void write(@Nullable String row, String sql, Object[] args) {
        Queue queue = queue();
        if (queue == null) {
            jdbc.update(sql, args);
        } else {
            queue.add(row, sql, args);
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

    /** The writes of one unit of work, in the order they were made. */
    private static final class Queue {
        private final List<Write> writes = new ArrayList<>();

        void add(@Nullable String row, String sql, Object[] args) {
            writes.add(new Write(row, sql, args));
        }

        /** Rows' writes in rounds between barriers; each barrier alone, in its place. */
        void flush(JdbcTemplate jdbc) {
            int segment = 0;
            for (int i = 0; i <= writes.size(); i++) {
                if (i == writes.size() || writes.get(i).row() == null) {
                    inRounds(jdbc, writes.subList(segment, i));
                    if (i < writes.size()) {
                        int barriers = i;
                        while (barriers < writes.size() && writes.get(barriers).row() == null
                                && writes.get(barriers).sql().equals(writes.get(i).sql())) {
                            barriers++;
                        }
                        execute(jdbc, writes.get(i).sql(), writes.subList(i, barriers).stream().map(Write::args).toList());
                        i = barriers - 1;
                    }
                    segment = i + 1;
                }
            }
            writes.clear();
        }

        private static void inRounds(JdbcTemplate jdbc, List<Write> rowWrites) {
            Map<String, Integer> writesOfRow = new HashMap<>();
            List<Map<String, List<Object[]>>> rounds = new ArrayList<>();
            for (Write write : rowWrites) {
                int round = writesOfRow.merge(write.row(), 1, Integer::sum) - 1;
                if (round == rounds.size()) {
                    rounds.add(new LinkedHashMap<>());
                }
                rounds.get(round).computeIfAbsent(write.sql(), sql -> new ArrayList<>()).add(write.args());
            }
            for (Map<String, List<Object[]>> round : rounds) {
                round.forEach((sql, rows) -> execute(jdbc, sql, rows));
            }
        }

        private static void execute(JdbcTemplate jdbc, String sql, List<Object[]> rows) {
            if (rows.size() == 1) {
                jdbc.update(sql, rows.get(0));
            } else {
                jdbc.batchUpdate(sql, rows);
            }
        }
    }

    private record Write(@Nullable String row, String sql, Object[] args) {
    }
}
