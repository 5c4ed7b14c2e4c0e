#!/usr/bin/env bash
# Points nginx at the instance on 127.0.0.1:<port> and reloads it gracefully (deploy/release.sh calls it).
#   deploy/nginx/switch-upstream.sh <port>
# Settings: AGENT_NGINX_UPSTREAM (default /etc/nginx/agent-workspace-upstream.conf, included by
# agent-workspace.conf), AGENT_NGINX_RELOAD (default: nginx -t && nginx -s reload).
set -euo pipefail
port="${1:?usage: switch-upstream.sh <port>}"
[[ "$port" =~ ^[0-9]{1,5}$ ]] || { echo "[nginx] not a port: $port" >&2; exit 2; }
upstream="${AGENT_NGINX_UPSTREAM:-/etc/nginx/agent-workspace-upstream.conf}"
printf 'server 127.0.0.1:%s max_fails=0;\n' "$port" > "$upstream.next"
mv -f "$upstream.next" "$upstream"
eval "${AGENT_NGINX_RELOAD:-nginx -t -q && nginx -s reload}"
