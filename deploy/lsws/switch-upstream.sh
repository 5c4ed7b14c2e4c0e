#!/usr/bin/env bash
# Points LiteSpeed's agentWorkspace proxy at 127.0.0.1:<port> and reloads it gracefully (deploy/release.sh with
# AGENT_PROXY_SWITCH=deploy/lsws/switch-upstream.sh). Fails, changing nothing, when the address line after the
# marker is not there to rewrite; when the reload fails, the vhost file is put back as it was (owner and mode too).
#   deploy/lsws/switch-upstream.sh <port>
# Settings: AGENT_LSWS_VHOST_CONF (the vhost file holding agent-workspace-vhost.conf's extprocessor, default
# /usr/local/lsws/conf/vhosts/agent-workspace/vhconf.conf), AGENT_LSWS_RELOAD (default: systemctl reload lsws,
# LiteSpeed's graceful restart).
set -euo pipefail
# shellcheck source=deploy/lib.sh
. "$(dirname "$0")/../lib.sh"
port="${1:?usage: switch-upstream.sh <port>}"
[[ "$port" =~ ^[0-9]{1,5}$ ]] || { echo "[lsws] not a port: $port" >&2; exit 2; }
conf="${AGENT_LSWS_VHOST_CONF:-/usr/local/lsws/conf/vhosts/agent-workspace/vhconf.conf}"
grep -q '# agent-workspace-upstream' "$conf" || { echo "[lsws] no '# agent-workspace-upstream' marker in $conf" >&2; exit 2; }
config_next "$conf"
# the address line after the marker comment; awk fails when it rewrote nothing (a release must not drain the live
# slot while the proxy still points at it)
if ! awk -v port="$port" '
  marked { if ($1 == "address" && sub(/127\.0\.0\.1:[0-9]+/, "127.0.0.1:" port)) done = 1; marked = 0 }
  /# agent-workspace-upstream/ { marked = 1 }
  { print }
  END { exit !done }' "$conf" > "$conf.next"; then
  rm -f "$conf.next"
  echo "[lsws] no 'address 127.0.0.1:<port>' line right after the '# agent-workspace-upstream' marker in $conf: nothing switched" >&2
  exit 2
fi
config_swap "$conf" "${AGENT_LSWS_RELOAD:-systemctl reload lsws}" || {
  echo "[lsws] the reload failed: $conf is back as it was, LiteSpeed still sends nothing to port $port" >&2; exit 1; }
