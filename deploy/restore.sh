#!/usr/bin/env bash
# Restores a backup made by deploy/backup.sh into an empty database and data directory (stop the service first).
#   deploy/restore.sh <backup-dir>/agent-workspace-<stamp>
set -euo pipefail
base="${1:?usage: deploy/restore.sh <backup-dir>/agent-workspace-<stamp>}"
stamp="${base##*agent-workspace-}"
dir="$(dirname "$base")"
(cd "$dir" && sha256sum -c "agent-workspace-$stamp.sha256")
gunzip -c "$dir/agent-workspace-$stamp.sql.gz" | mariadb --no-defaults \
  -h "${AGENT_DB_HOST:-127.0.0.1}" -P "${AGENT_DB_PORT:-3306}" -u "${AGENT_DB_USER:-agent}" \
  ${AGENT_DB_PASSWORD:+-p"$AGENT_DB_PASSWORD"}
data="${AGENT_DATA_DIR:-/var/www/agent-workspace/shared/data}"
mkdir -p "$data"
tar -C "$data" -xzf "$dir/agent-workspace-data-$stamp.tar.gz"
echo "[restore] restored $stamp; start the service with the same master key" >&2
