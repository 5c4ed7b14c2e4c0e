#!/usr/bin/env bash
# Consistent backup of an installation on the mysql profile: a single-transaction dump of the database (event
# store, read models, secret data keys) and an archive of the data directory (workspaces, snapshots).
# The master key is NOT included: back it up separately, or the secrets in a backup can never be read.
#
#   deploy/backup.sh <backup-dir>        reads AGENT_DB_* and AGENT_DATA_DIR (see docs/operations.md)
set -euo pipefail
out="${1:?usage: deploy/backup.sh <backup-dir>}"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
dump="$out/agent-workspace-$stamp.sql.gz"
mariadb-dump --no-defaults --single-transaction --routines --triggers --events --hex-blob \
  -h "${AGENT_DB_HOST:-127.0.0.1}" -P "${AGENT_DB_PORT:-3306}" -u "${AGENT_DB_USER:-agent}" \
  ${AGENT_DB_PASSWORD:+-p"$AGENT_DB_PASSWORD"} --databases "${AGENT_DB_NAME:-agent_workspace}" | gzip > "$dump"
tar -C "${AGENT_DATA_DIR:-/var/www/agent-workspace/shared/data}" --exclude='./db' --exclude='./master.key' \
  --exclude='./admin-token' -czf "$out/agent-workspace-data-$stamp.tar.gz" .
sha256sum "$dump" "$out/agent-workspace-data-$stamp.tar.gz" > "$out/agent-workspace-$stamp.sha256"
echo "$out/agent-workspace-$stamp"
