package io.agentworkspace.support;

import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The production profiles together (mysql + kafka) on the real services, with metrics exported: one application
 * context that every test class extending this shares (Spring caches it), on a database of its own.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureObservability
@ActiveProfiles({"mysql", "kafka"})
public abstract class ProductionProfileContext {

    @DynamicPropertySource
    static void productionServices(DynamicPropertyRegistry registry) throws Exception {
        MySqlProfile.register(registry, TestServices.createDatabase(),
                java.nio.file.Files.createTempDirectory("agent-production-profile"));
        MySqlProfile.registerKafka(registry);
    }
}
