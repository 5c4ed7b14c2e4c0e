#!/usr/bin/env bash
# Restores a backup made by deploy/backup.sh into an empty database and an empty data directory (stop the service
# first, or restore beside it under another name: the restore drill does).
#
#   deploy/restore.sh <backup-dir>/agent-workspace-<stamp>
#
# Settings: AGENT_DB_HOST, AGENT_DB_PORT, AGENT_DB_USER, AGENT_DB_PASSWORD, AGENT_DB_NAME (created when missing; it
# must hold no table), AGENT_DATA_DIR (must be missing or empty). Checksums are verified first.
set -euo pipefail
# dumps, archives and restored files hold secrets and workspaces: owner-only, whatever the caller's umask
umask 077
# shellcheck source=deploy/lib.sh
. "$(dirname "$0")/lib.sh"

base="${1:?usage: deploy/restore.sh <backup-dir>/agent-workspace-<stamp>}"
stamp="${base##*agent-workspace-}"
dir="$(dirname "$base")"
db="${AGENT_DB_NAME:-agent_workspace}"
data="${AGENT_DATA_DIR:-/var/www/agent-workspace/shared/data}"
log() { printf '[restore] %s\n' "$*" >&2; }

[[ "$db" =~ ^[A-Za-z0-9_]{1,64}$ ]] || { log "AGENT_DB_NAME must be letters, digits and _"; exit 2; }
(cd "$dir" && sha256sum --quiet -c "agent-workspace-$stamp.sha256") || { log "checksums do not match: not restoring"; exit 1; }
if [ -d "$data" ] && [ -n "$(ls -A "$data")" ]; then log "$data is not empty: not restoring"; exit 1; fi

echo "CREATE DATABASE IF NOT EXISTS \`$db\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci" | sql
tables="$(echo "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = '$db'" | sql -N)"
[ "$tables" = "0" ] || { log "database $db already holds $tables table(s): not restoring"; exit 1; }
# dumps of older releases named their database (CREATE DATABASE, USE): restore into the one asked for instead
gunzip -c "$dir/agent-workspace-$stamp.sql.gz" | sed -e '/^CREATE DATABASE /d' -e '/^USE `/d' | sql "$db"

mkdir -p "$data"
tar -C "$data" -xzf "$dir/agent-workspace-data-$stamp.tar.gz"
log "restored $stamp into database $db and $data; start the service with the same master key"
