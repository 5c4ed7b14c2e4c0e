package io.agentworkspace.run.web;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import org.springframework.lang.Nullable;

/** {@code POST /api/runs}. Limits and onInterrupt are optional: the queue's defaults apply. */
record StartRunRequest(@NotBlank @Size(max = 36) String projectId,
                       @NotBlank @Size(max = 40) String queue,
                       @NotBlank @Size(max = 40) String provider,
                       @NotBlank @Size(max = 100) String model,
                       @NotNull String prompt,
                       @Valid @Nullable Limits limits,
                       @Nullable @Size(max = 20) String onInterrupt) {

    record Limits(@Nullable @Positive Long timeoutSeconds, @Nullable @Positive Long maxTokens,
                  @Nullable @Positive Double maxCostUsd) {
    }
}
