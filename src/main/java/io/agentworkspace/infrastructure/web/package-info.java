/**
 * The HTTP edge every module shares: problem+json errors and their catalogue, the OpenAPI contract's common
 * parts, the reader of a handler's required ability, client addresses behind trusted proxies, strict JSON and
 * the HTTP settings.
 */
package io.agentworkspace.infrastructure.web;
