package io.agentworkspace.project.web;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.springframework.lang.Nullable;

/** Exactly one of {@code gitUrl} and {@code localPath}. */
record RegisterProjectRequest(
        @NotBlank @Size(max = 200) @Pattern(regexp = "[^\\p{Cntrl}]*", message = "must not contain control characters")
        String name,
        @Nullable String gitUrl,
        @Nullable String localPath) {
}
