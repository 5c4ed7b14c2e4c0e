#!/usr/bin/env bash
# Points nginx at the instance on 127.0.0.1:<port> and reloads it gracefully (deploy/release.sh calls it). When the
# reload fails, the upstream file is put back as it was (owner and mode too) and the script fails: nginx keeps
# serving the slot it served.
#   deploy/nginx/switch-upstream.sh <port>
# Settings: AGENT_NGINX_UPSTREAM (default /etc/nginx/agent-workspace-upstream.conf, included by
# agent-workspace.conf), AGENT_NGINX_RELOAD (default: nginx -t && nginx -s reload).
set -euo pipefail
# shellcheck source=deploy/lib.sh
. "$(dirname "$0")/../lib.sh"
port="${1:?usage: switch-upstream.sh <port>}"
[[ "$port" =~ ^[0-9]{1,5}$ ]] || { echo "[nginx] not a port: $port" >&2; exit 2; }
upstream="${AGENT_NGINX_UPSTREAM:-/etc/nginx/agent-workspace-upstream.conf}"
config_next "$upstream"
printf 'server 127.0.0.1:%s max_fails=0;\n' "$port" > "$upstream.next"
config_swap "$upstream" "${AGENT_NGINX_RELOAD:-nginx -t -q && nginx -s reload}" || {
  echo "[nginx] the reload failed: $upstream is back as it was, nginx still sends nothing to port $port" >&2; exit 1; }
