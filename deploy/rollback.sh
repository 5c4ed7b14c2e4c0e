#!/usr/bin/env bash
# Switches current back to the release before it and restarts the service.
#   deploy/rollback.sh [app-dir]
set -euo pipefail
app="${1:-${AGENT_APP_DIR:-/var/www/agent-workspace}}"
restart="${AGENT_RESTART_CMD:-systemctl restart agent-workspace}"
live="$(readlink "$app/current")"
previous="$(ls -1dt "$app"/releases/* | grep -vxF "$live" | head -n 1 || true)"
[ -n "$previous" ] || { echo "[rollback] no earlier release" >&2; exit 1; }
ln -sfn "$previous" "$app/current.next" && mv -T "$app/current.next" "$app/current"
eval "$restart"
echo "[rollback] $(basename "$live") -> $(basename "$previous")" >&2
