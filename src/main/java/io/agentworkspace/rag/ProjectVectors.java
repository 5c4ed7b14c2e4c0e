package io.agentworkspace.rag;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One project's vectors as the search reads them, immutable once built: rows sorted by path (so a path prefix is
 * one contiguous range of rows), each vector normalized once into a contiguous row-major {@code float[]}, plus an
 * int8 sketch of every row with its exact error bound, which lets a search skip most rows without giving up
 * exactness (see {@link ExactTopK}).
 */
final class ProjectVectors {

    /** A vector to put into the snapshot; normalized here unless it already is (a row of another snapshot). */
    record Row(long id, String path, float[] vector, boolean normalized) {
        Row(long id, String path, float[] vector) {
            this(id, path, vector, false);
        }
    }

    final String embedder;
    final int dimension;
    final int size;
    final long[] ids;
    final String[] paths;
    /** rows of {@code paths[i]} are {@code [pathStart[i], pathStart[i + 1])} */
    final int[] pathStart;
    final float[] vectors;
    final byte[] codes;
    final float[] scales;
    final float[] errors;

    private ProjectVectors(String embedder, int dimension, long[] ids, String[] paths, int[] pathStart,
                           float[] vectors, byte[] codes, float[] scales, float[] errors) {
        this.embedder = embedder;
        this.dimension = dimension;
        this.size = ids.length;
        this.ids = ids;
        this.paths = paths;
        this.pathStart = pathStart;
        this.vectors = vectors;
        this.codes = codes;
        this.scales = scales;
        this.errors = errors;
    }

    static ProjectVectors empty(String embedder, int dimension) {
        return of(embedder, dimension, List.of());
    }

    static ProjectVectors of(String embedder, int dimension, List<Row> rows) {
        List<Row> sorted = new ArrayList<>(rows);
        sorted.sort(Comparator.comparing(Row::path).thenComparingLong(Row::id));
        int n = sorted.size();
        long[] ids = new long[n];
        float[] vectors = new float[Math.multiplyExact(n, dimension)];
        byte[] codes = new byte[n * dimension];
        float[] scales = new float[n];
        float[] errors = new float[n];
        List<String> paths = new ArrayList<>();
        List<Integer> starts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Row row = sorted.get(i);
            if (row.vector().length != dimension) {
                throw new IllegalArgumentException("chunk " + row.id() + " has " + row.vector().length
                        + " dimensions, expected " + dimension);
            }
            ids[i] = row.id();
            if (paths.isEmpty() || !paths.get(paths.size() - 1).equals(row.path())) {
                paths.add(row.path());
                starts.add(i);
            }
            if (row.normalized()) {
                System.arraycopy(row.vector(), 0, vectors, i * dimension, dimension);
            } else {
                normalizeInto(row.vector(), vectors, i * dimension);
            }
            quantize(vectors, codes, i * dimension, dimension, scales, errors, i);
        }
        int[] pathStart = new int[paths.size() + 1];
        for (int i = 0; i < starts.size(); i++) {
            pathStart[i] = starts.get(i);
        }
        pathStart[paths.size()] = n;
        return new ProjectVectors(embedder, dimension, ids, paths.toArray(String[]::new), pathStart, vectors, codes,
                scales, errors);
    }

    /**
     * Builds a snapshot row by row straight into its arrays, for loads from the store: no per-row arrays are kept,
     * so a load needs the snapshot's memory once, not twice. Rows should come sorted by path; if they do not (a
     * database collation that orders differently), the builder sorts them at the end.
     */
    static final class Builder {
        private final String embedder;
        private final int dimension;
        private long[] ids;
        private float[] vectors;
        private byte[] codes;
        private float[] scales;
        private float[] errors;
        private String[] rowPaths;
        private int size;
        private boolean sorted = true;

        Builder(String embedder, int dimension, int expectedRows) {
            this.embedder = embedder;
            this.dimension = dimension;
            allocate(Math.max(16, expectedRows));
        }

        void add(long id, String path, float[] vector) {
            if (vector.length != dimension) {
                return;
            }
            if (size == ids.length) {
                allocate(size + Math.max(16, size / 4));
            }
            if (size > 0) {
                int order = rowPaths[size - 1].compareTo(path);
                sorted &= order < 0 || (order == 0 && ids[size - 1] < id);
            }
            ids[size] = id;
            rowPaths[size] = size > 0 && rowPaths[size - 1].equals(path) ? rowPaths[size - 1] : path;
            normalizeInto(vector, vectors, size * dimension);
            quantize(vectors, codes, size * dimension, dimension, scales, errors, size);
            size++;
        }

        ProjectVectors build() {
            if (!sorted) {
                List<Row> rows = new ArrayList<>(size);
                for (int i = 0; i < size; i++) {
                    rows.add(new Row(ids[i], rowPaths[i], Arrays.copyOfRange(vectors, i * dimension, (i + 1) * dimension), true));
                }
                return of(embedder, dimension, rows);
            }
            allocate(size);
            List<String> paths = new ArrayList<>();
            List<Integer> starts = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                if (paths.isEmpty() || !paths.get(paths.size() - 1).equals(rowPaths[i])) {
                    paths.add(rowPaths[i]);
                    starts.add(i);
                }
            }
            int[] pathStart = new int[paths.size() + 1];
            for (int i = 0; i < starts.size(); i++) {
                pathStart[i] = starts.get(i);
            }
            pathStart[paths.size()] = size;
            return new ProjectVectors(embedder, dimension, ids, paths.toArray(String[]::new), pathStart, vectors, codes,
                    scales, errors);
        }

        private void allocate(int rows) {
            if (ids != null && ids.length == rows) {
                return;
            }
            ids = ids == null ? new long[rows] : Arrays.copyOf(ids, rows);
            vectors = vectors == null ? new float[Math.multiplyExact(rows, dimension)] : Arrays.copyOf(vectors, rows * dimension);
            codes = codes == null ? new byte[rows * dimension] : Arrays.copyOf(codes, rows * dimension);
            scales = scales == null ? new float[rows] : Arrays.copyOf(scales, rows);
            errors = errors == null ? new float[rows] : Arrays.copyOf(errors, rows);
            rowPaths = rowPaths == null ? new String[rows] : Arrays.copyOf(rowPaths, rows);
        }
    }

    /** This snapshot with some rows removed and others added: what an index run changed, applied in memory. */
    ProjectVectors with(Set<Long> removed, List<Row> added) {
        Set<Long> addedIds = new HashSet<>();
        added.forEach(row -> addedIds.add(row.id()));
        List<Row> rows = new ArrayList<>(size + added.size());
        for (int path = 0; path < paths.length; path++) {
            for (int i = pathStart[path]; i < pathStart[path + 1]; i++) {
                if (!removed.contains(ids[i]) && !addedIds.contains(ids[i])) {
                    rows.add(new Row(ids[i], paths[path],
                            Arrays.copyOfRange(vectors, i * dimension, (i + 1) * dimension), true));
                }
            }
        }
        rows.addAll(added);
        return of(embedder, dimension, rows);
    }

    /** The rows whose path starts with {@code prefix}: one contiguous range, since rows are sorted by path. */
    int[] rowRange(String prefix) {
        if (prefix.isEmpty()) {
            return new int[] {0, size};
        }
        int from = lowerBound(prefix);
        int to = from;
        while (to < paths.length && paths[to].startsWith(prefix)) {
            to++;
        }
        return new int[] {pathStart[from], pathStart[to]};
    }

    String pathOfRow(int row) {
        // path starts are strictly increasing: every path has at least one row
        int index = Arrays.binarySearch(pathStart, 0, paths.length, row);
        return paths[index >= 0 ? index : -index - 2];
    }

    /** Heap bytes held by the arrays of this snapshot (the figure the cache limits and the benchmark reports). */
    long bytes() {
        long pathChars = 0;
        for (String path : paths) {
            pathChars += 40 + 2L * path.length();
        }
        return 8L * size + 4L * vectors.length + codes.length + 4L * scales.length + 4L * errors.length
                + 4L * pathStart.length + pathChars;
    }

    private int lowerBound(String prefix) {
        int low = 0;
        int high = paths.length;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (paths[mid].compareTo(prefix) < 0) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }

    private static void normalizeInto(float[] vector, float[] target, int offset) {
        double squares = 0;
        for (float x : vector) {
            squares += (double) x * x;
        }
        double norm = Math.sqrt(squares);
        for (int j = 0; j < vector.length; j++) {
            target[offset + j] = norm == 0 ? 0f : (float) (vector[j] / norm);
        }
    }

    /**
     * Row {@code i} as int8 codes with one scale: v ≈ scale · code. The error vector e = v − scale · code is what
     * the sketch cannot see; its norm bounds how far a sketched score can be from the exact one, for any unit query
     * (Cauchy–Schwarz). Rounded up, so the bound holds.
     */
    private static void quantize(float[] vectors, byte[] codes, int offset, int dimension, float[] scales,
                                 float[] errors, int i) {
        float max = 0;
        for (int j = 0; j < dimension; j++) {
            max = Math.max(max, Math.abs(vectors[offset + j]));
        }
        float scale = max / 127f;
        double errorSquares = 0;
        for (int j = 0; j < dimension; j++) {
            float x = vectors[offset + j];
            int code = scale == 0 ? 0 : Math.max(-127, Math.min(127, Math.round(x / scale)));
            codes[offset + j] = (byte) code;
            double error = (double) x - (double) scale * code;
            errorSquares += error * error;
        }
        scales[i] = scale;
        errors[i] = Math.nextUp((float) (Math.sqrt(errorSquares) * (1 + 1e-6)));
    }
}
