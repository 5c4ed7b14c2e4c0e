#!/usr/bin/env bash
# Atomic release with automatic rollback (the seed's "atomic release directories", for the Java service).
#
#   deploy/release.sh <agent-workspace.jar> [app-dir]
#
# Layout under the app dir (default /var/www/agent-workspace):
#   releases/<UTC timestamp>/agent-workspace.jar   one directory per release
#   current -> releases/<...>                      switched atomically (rename of a symlink)
#   shared/agent-workspace.env                     configuration (AGENT_*), kept across releases
#   shared/data/                                   agent.data-dir: workspaces, snapshots (and H2 if embedded)
#
# After the switch the service is restarted (AGENT_RESTART_CMD, default: systemctl restart agent-workspace) and
# must report UP on its readiness probe within AGENT_READY_TIMEOUT seconds (default 90); otherwise the previous
# release is switched back, restarted, and the script fails. The last AGENT_KEEP_RELEASES (default 5) stay.
set -euo pipefail

jar="${1:?usage: deploy/release.sh <agent-workspace.jar> [app-dir]}"
app="${2:-${AGENT_APP_DIR:-/var/www/agent-workspace}}"
restart="${AGENT_RESTART_CMD:-systemctl restart agent-workspace}"
# health lives on the management port (loopback, AGENT_MANAGEMENT_PORT), never on the proxied API port
ready_url="${AGENT_READY_URL:-http://127.0.0.1:${AGENT_MANAGEMENT_PORT:-8081}/actuator/health/readiness}"
ready_timeout="${AGENT_READY_TIMEOUT:-90}"
keep="${AGENT_KEEP_RELEASES:-5}"

log() { printf '[release] %s\n' "$*" >&2; }

[ -f "$jar" ] || { log "no such jar: $jar"; exit 2; }
mkdir -p "$app/releases" "$app/shared/data"
release="$app/releases/$(date -u +%Y%m%d%H%M%S)"
[ -e "$release" ] && release="$release-$$"
mkdir -p "$release"
cp "$jar" "$release/agent-workspace.jar"
previous="$(readlink "$app/current" 2>/dev/null || true)"

switch_to() { # atomic: a new symlink renamed over the old one
  ln -sfn "$1" "$app/current.next"
  mv -T "$app/current.next" "$app/current"
}

wait_ready() {
  local deadline=$(( $(date +%s) + ready_timeout ))
  while [ "$(date +%s)" -lt "$deadline" ]; do
    if curl -fsS --max-time 2 "$ready_url" 2>/dev/null | grep -q '"status":"UP"'; then return 0; fi
    sleep 1
  done
  return 1
}

log "switching to $release"
switch_to "$release"
eval "$restart"
if wait_ready; then
  log "release $(basename "$release") is live"
else
  log "release $(basename "$release") did not become ready within ${ready_timeout}s"
  if [ -n "$previous" ]; then
    log "rolling back to $(basename "$previous")"
    switch_to "$previous"
    eval "$restart"
    wait_ready && log "rolled back; $(basename "$previous") is live" || log "the previous release is not ready either"
  fi
  exit 1
fi

# retention: newest first, keep $keep, never the live one
ls -1dt "$app"/releases/* | tail -n +"$((keep + 1))" | while read -r old; do
  [ "$old" = "$(readlink "$app/current")" ] || rm -rf "$old"
done
