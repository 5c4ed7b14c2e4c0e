package io.agentworkspace.bench;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The console's latency histograms as the service exposes them on {@code /actuator/prometheus}, so a benchmark can
 * split a client-side latency into the service's own parts. A run's figures are the difference of two readings;
 * a quantile is the upper bound of the bucket it falls in.
 */
final class ServerHistograms {

    private static final String APPEND = "agent_console_log_append_seconds";
    private static final String PUBLISH = "agent_console_log_publish_seconds";
    private static final String DELIVERY = "agent_console_delivery_latency_seconds";

    /** Cumulative count per bucket upper bound (seconds), per series: metric name plus its transport tag. */
    private final Map<String, TreeMap<Double, Double>> buckets;

    private ServerHistograms(Map<String, TreeMap<Double, Double>> buckets) {
        this.buckets = buckets;
    }

    static ServerHistograms read(String prometheusText) {
        Map<String, TreeMap<Double, Double>> buckets = new HashMap<>();
        for (String line : prometheusText.split("\n")) {
            String series = series(line);
            if (series == null) {
                continue;
            }
            int le = line.indexOf("le=\"");
            String bound = line.substring(le + 4, line.indexOf('"', le + 4));
            double upper = bound.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(bound);
            double count = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            buckets.computeIfAbsent(series, s -> new TreeMap<>()).put(upper, count);
        }
        return new ServerHistograms(buckets);
    }

    private static String series(String line) {
        for (String metric : new String[] {APPEND, PUBLISH, DELIVERY}) {
            if (line.startsWith(metric + "_bucket{")) {
                if (!metric.equals(DELIVERY)) {
                    return metric;
                }
                int transport = line.indexOf("transport=\"");
                return transport < 0 ? null : metric + ":" + line.substring(transport + 11, line.indexOf('"', transport + 11));
            }
        }
        return null;
    }

    ServerHistograms since(ServerHistograms earlier) {
        Map<String, TreeMap<Double, Double>> difference = new HashMap<>();
        buckets.forEach((series, counts) -> {
            TreeMap<Double, Double> before = earlier.buckets.getOrDefault(series, new TreeMap<>());
            TreeMap<Double, Double> delta = new TreeMap<>();
            counts.forEach((bound, count) -> delta.put(bound, count - before.getOrDefault(bound, 0.0)));
            difference.put(series, delta);
        });
        return new ServerHistograms(difference);
    }

    private double count(String series) {
        TreeMap<Double, Double> counts = buckets.get(series);
        return counts == null || counts.isEmpty() ? 0 : counts.lastEntry().getValue();
    }

    /** The quantile's bucket upper bound in milliseconds, NaN without samples. */
    double quantileMillis(String series, double quantile) {
        double total = count(series);
        if (total <= 0) {
            return Double.NaN;
        }
        for (Map.Entry<Double, Double> bucket : buckets.get(series).entrySet()) {
            if (bucket.getValue() >= quantile * total) {
                return bucket.getKey() * 1000;
            }
        }
        return Double.POSITIVE_INFINITY;
    }

    String row(String run) {
        double appends = count(APPEND);
        double events = count(PUBLISH);
        return String.format("| %s | %.0f | %.1f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f |", run, appends,
                appends == 0 ? 0 : events / appends, quantileMillis(APPEND, 0.5), quantileMillis(APPEND, 0.99),
                quantileMillis(PUBLISH, 0.5), quantileMillis(PUBLISH, 0.99),
                quantileMillis(DELIVERY + ":ws", 0.5), quantileMillis(DELIVERY + ":ws", 0.99),
                quantileMillis(DELIVERY + ":sse", 0.5), quantileMillis(DELIVERY + ":sse", 0.99));
    }
}
