/**
 * The versioned event catalogue ({@code events/}) and the check that every appended event conforms to it.
 */
package io.agentworkspace.infrastructure.events;
