package io.agentworkspace.infrastructure.web;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The problem types (docs/errors.md slugs, without {@code /problems/}) a handler gives beyond those every operation
 * of its kind can give (401, 403, 429, malformed input, 413/415 for bodies, 500: see {@link ApiContract}). The
 * OpenAPI document lists them as the operation's problem responses, grouped by the status the catalogue gives each.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface ProblemTypes {

    String[] value();
}
