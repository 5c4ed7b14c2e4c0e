package io.agentworkspace.infrastructure;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Meters in Prometheus shape: no percentiles computed in the service (a {@code quantile} tag cannot be aggregated
 * across nodes or windows). Axon's own timers publish six of them per processor; without them they keep count, sum
 * and max, and our latency timers publish histograms for {@code histogram_quantile} instead.
 */
@Configuration(proxyBeanMethods = false)
class MetricsConfiguration {

    @Bean
    MeterFilter noClientSidePercentiles() {
        return new MeterFilter() {
            @Override
            public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                return DistributionStatisticConfig.builder().percentiles(new double[0]).build().merge(config);
            }
        };
    }
}
