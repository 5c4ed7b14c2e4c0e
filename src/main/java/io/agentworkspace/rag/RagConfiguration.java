package io.agentworkspace.rag;

import java.util.Optional;
import java.util.concurrent.ForkJoinPool;

import org.axonframework.common.transaction.NoTransactionManager;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.async.SequencingPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

import io.agentworkspace.secret.SecretValues;
import reactor.core.publisher.Mono;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.client.WebClient;

import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(RagSettings.class)
class RagConfiguration {

    private static final Logger log = LoggerFactory.getLogger(RagConfiguration.class);

    @Bean
    Embedder embedder(RagSettings settings, EmbeddingCredentials credentials, WebClient.Builder http) {
        Embedder embedder = switch (settings.embedder()) {
            case "local" -> new LocalHashEmbedder(settings.dimension());
            case "openai" -> new OpenAiEmbedder(settings.openai(), settings.dimension(), credentials, http);
            default -> throw new IllegalStateException("agent.rag.embedder must be local or openai");
        };
        log.info("RAG embedder {}", embedder.id());
        return embedder;
    }

    /** The secret store when a secret is named; the configured key otherwise (for a quick local trial). */
    @Bean
    @ConditionalOnMissingBean
    EmbeddingCredentials embeddingCredentials(RagSettings settings, SecretValues secrets) {
        String secret = settings.openai().apiKeySecret();
        if (!secret.isBlank()) {
            return () -> secrets.reveal(secret).map(Optional::of);
        }
        return () -> Mono.just(Optional.of(settings.openai().apiKey()).filter(key -> !key.isBlank()));
    }

    /**
     * The search threads: a pool of our own (never the common pool, which has one thread on two cores) whose
     * threads split one scan between them and work-steal across concurrent searches.
     */
    @Bean(destroyMethod = "shutdownNow")
    ForkJoinPool ragSearchPool(RagSettings settings) {
        return new ForkJoinPool(Math.max(1, settings.search().threads()),
                pool -> {
                    var thread = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
                    thread.setName("rag-search-" + thread.getPoolIndex());
                    return thread;
                }, null, false);
    }

    @Bean(destroyMethod = "dispose")
    Scheduler ragSearchScheduler(ForkJoinPool ragSearchPool) {
        return Schedulers.fromExecutorService(ragSearchPool, "rag-search");
    }

    @Bean
    ExactTopK exactTopK(ForkJoinPool ragSearchPool) {
        DotKernels kernels = DotKernels.best();
        log.info("RAG search kernels: {}", kernels.name());
        return new ExactTopK(kernels, ragSearchPool);
    }

    /**
     * The indexer's processor holds no database transaction while a job runs (outcomes go through commands), takes
     * one event per batch, and sequences by project: runs of one project one after another, projects in parallel up
     * to {@code agent.rag.index-threads}. The cache invalidation sees this node's events as they are published.
     */
    @Bean
    ConfigurerModule ragProcessors(RagSettings settings) {
        SequencingPolicy<EventMessage<?>> byProject = message ->
                message.getPayload() instanceof RagIndexRequested requested ? requested.projectId() : message.getIdentifier();
        return configurer -> configurer.eventProcessing(processing -> processing
                .registerPooledStreamingEventProcessorConfiguration(RagIndexDispatcher.PROCESSOR,
                        (config, builder) -> builder.batchSize(1).initialSegmentCount(Math.max(1, settings.indexThreads())))
                .registerTransactionManager(RagIndexDispatcher.PROCESSOR, config -> NoTransactionManager.INSTANCE)
                .registerSequencingPolicy(RagIndexDispatcher.PROCESSOR, config -> byProject)
                .registerSubscribingEventProcessor(RagCacheInvalidation.PROCESSOR));
    }
}
