#!/usr/bin/env bash
# Zero-downtime release: the new jar starts beside the live one on the idle slot, takes traffic once it is ready,
# and the old one drains and exits (deploy/slots.sh). A release that fails its readiness check never takes
# traffic: it is stopped and the live release stays (exit 1). Prints how long the switch took.
#
#   deploy/release.sh <agent-workspace.jar> [app-dir]
#
# Settings (environment; docs/operations.md): AGENT_APP_DIR (default /var/www/agent-workspace), AGENT_SLOT_START,
# AGENT_SLOT_STOP, AGENT_SLOT_RUNNING (default systemd: agent-workspace@{slot}), AGENT_PROXY_SWITCH (default
# deploy/nginx/switch-upstream.sh; deploy/lsws/switch-upstream.sh for LiteSpeed), AGENT_READY_PATH,
# AGENT_READY_TIMEOUT (180 s), AGENT_DRAIN_TIMEOUT (600 s), AGENT_KEEP_RELEASES (5).
set -Eeuo pipefail
script_name=release
jar="${1:?usage: deploy/release.sh <agent-workspace.jar> [app-dir]}"
app="${2:-${AGENT_APP_DIR:-/var/www/agent-workspace}}"
# shellcheck source=deploy/slots.sh
. "$(dirname "$0")/slots.sh"

[ -f "$jar" ] || { log "no such jar: $jar"; exit 2; }
check_installation
mkdir -p "$app/releases" "$app/shared/data"
release="$app/releases/$(date -u +%Y%m%d%H%M%S)"
[ -e "$release" ] && release="$release-$$"
mkdir -p "$release"
cp "$jar" "$release/agent-workspace.jar.partial"
mv "$release/agent-workspace.jar.partial" "$release/agent-workspace.jar"

# old releases are pruned however the release ends; activate runs under set -e, so a step that fails inside it
# stops the release there (calling it as the left side of || or in an if would switch set -e off inside it)
trap 'prune_releases || log "pruning old releases failed"' EXIT
activate "$release" release
