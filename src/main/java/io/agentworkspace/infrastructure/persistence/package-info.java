/**
 * The data directory and the SQL connections: JDBC (Hikari) for the event store and projections, R2DBC for the
 * HTTP read side, Flyway locations per dialect, the embedded H2 default and TLS to MariaDB.
 */
package io.agentworkspace.infrastructure.persistence;
