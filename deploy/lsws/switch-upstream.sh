#!/usr/bin/env bash
# Points LiteSpeed's agentWorkspace proxy at 127.0.0.1:<port> and reloads it gracefully (deploy/release.sh with
# AGENT_PROXY_SWITCH=deploy/lsws/switch-upstream.sh).
#   deploy/lsws/switch-upstream.sh <port>
# Settings: AGENT_LSWS_VHOST_CONF (the vhost file holding agent-workspace-vhost.conf's extprocessor, default
# /usr/local/lsws/conf/vhosts/agent-workspace/vhconf.conf), AGENT_LSWS_RELOAD (default: systemctl reload lsws,
# LiteSpeed's graceful restart).
set -euo pipefail
port="${1:?usage: switch-upstream.sh <port>}"
[[ "$port" =~ ^[0-9]{1,5}$ ]] || { echo "[lsws] not a port: $port" >&2; exit 2; }
conf="${AGENT_LSWS_VHOST_CONF:-/usr/local/lsws/conf/vhosts/agent-workspace/vhconf.conf}"
grep -q '# agent-workspace-upstream' "$conf" || { echo "[lsws] no '# agent-workspace-upstream' marker in $conf" >&2; exit 2; }
# the address line after the marker comment
awk -v port="$port" '
  marked && $1 == "address" { sub(/127\.0\.0\.1:[0-9]+/, "127.0.0.1:" port); marked = 0 }
  /# agent-workspace-upstream/ { marked = 1 }
  { print }' "$conf" > "$conf.next"
mv -f "$conf.next" "$conf"
eval "${AGENT_LSWS_RELOAD:-systemctl reload lsws}"
