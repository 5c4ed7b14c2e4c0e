/**
 * The tools an agent may call on its run's workspace, each confined to it and fenced by the workspace lease.
 */
package io.agentworkspace.run.tool;
