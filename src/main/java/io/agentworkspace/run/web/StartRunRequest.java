package io.agentworkspace.run.web;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import org.springframework.lang.Nullable;

/**
 * {@code POST /api/runs}. Limits and onInterrupt are optional: the queue's defaults apply. Unknown fields are
 * refused rather than ignored: a client that sends an API key must learn at once that keys never travel here.
 */
record StartRunRequest(@NotBlank @Size(max = 36) String projectId,
                       @NotBlank @Size(max = 40) String queue,
                       @NotBlank @Size(max = 40) String provider,
                       @NotBlank @Size(max = 100) String model,
                       @NotNull String prompt,
                       @Valid @Nullable Limits limits,
                       @Nullable @Size(max = 20) String onInterrupt) {

    record Limits(@Nullable @Positive Long timeoutSeconds, @Nullable @Positive Long maxTokens,
                  @Nullable @Positive Double maxCostUsd) {

        @JsonAnySetter
        void refuse(String name, Object value) {
            throw new IllegalArgumentException("limits has no field " + name);
        }
    }

    @JsonAnySetter
    void refuse(String name, Object value) {
        throw new IllegalArgumentException("a run request has no field " + name);
    }
}
