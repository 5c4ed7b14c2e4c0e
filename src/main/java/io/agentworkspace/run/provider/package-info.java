/**
 * Agent providers behind one interface (OpenAI, Anthropic, Claude Code, script), their retry policy, and the
 * sandbox and egress proxy an agent subprocess runs behind.
 */
package io.agentworkspace.run.provider;
