#!/usr/bin/env bash
# Returns to the release that was live before the last successful release (recorded in deploys.log; never one that
# failed its readiness check, which never went live), through the same zero-downtime path as a release.
#
#   deploy/rollback.sh [app-dir]        the settings of deploy/release.sh apply
set -Eeuo pipefail
script_name=rollback
app="${1:-${AGENT_APP_DIR:-/var/www/agent-workspace}}"
# shellcheck source=deploy/slots.sh
. "$(dirname "$0")/slots.sh"

check_installation
target="$(rollback_target)"
[ -n "$target" ] || { log "no earlier release recorded in $app/deploys.log"; exit 1; }
[ -f "$app/releases/$target/agent-workspace.jar" ] || { log "release $target is no longer in $app/releases"; exit 1; }
if [ "$target" = "$(live_value release)" ]; then log "$target is already live"; exit 0; fi
log "rolling back from $(live_value release) to $target"
activate "$app/releases/$target" rollback
