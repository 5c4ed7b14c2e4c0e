#!/usr/bin/env bash
# Consistent backup of an installation on the mysql profile, kept N deep, optionally copied off-site to S3.
#
#   deploy/backup.sh <backup-dir>
#
# Writes, per backup (stamp = UTC time):
#   agent-workspace-<stamp>.sql.gz          single-transaction dump of the database (event store, read models,
#                                           secret data keys), restorable under any database name
#   agent-workspace-data-<stamp>.tar.gz     the data directory (workspaces, local snapshot archives)
#   agent-workspace-<stamp>.info            when it was taken, how long it took, the sizes
#   agent-workspace-<stamp>.sha256          checksums of the three files above (sha256sum -c)
# and prints the backup's base path (<backup-dir>/agent-workspace-<stamp>) as its last line.
#
# Settings (environment): AGENT_DB_HOST, AGENT_DB_PORT, AGENT_DB_NAME, AGENT_DB_USER, AGENT_DB_PASSWORD,
# AGENT_DATA_DIR; AGENT_BACKUP_KEEP (newest backups kept here and off-site, default 7, 0 keeps all);
# AGENT_BACKUP_S3=1 to upload through the service's own S3 client (`ops backup-upload`: the bucket, endpoint and
# credentials of agent.snapshots.s3, under its backup-prefix) with AGENT_JAR (default
# /var/www/agent-workspace/current/agent-workspace.jar) and AGENT_OPS_ARGS (default --spring.profiles.active=mysql).
# The master key is NOT included: back it up separately, or the secrets in a backup can never be read.
set -euo pipefail
# dumps, archives and restored files hold secrets and workspaces: owner-only, whatever the caller's umask
umask 077
# shellcheck source=deploy/lib.sh
. "$(dirname "$0")/lib.sh"

out="${1:?usage: deploy/backup.sh <backup-dir>}"
keep="${AGENT_BACKUP_KEEP:-7}"
data="${AGENT_DATA_DIR:-/var/www/agent-workspace/shared/data}"
db="${AGENT_DB_NAME:-agent_workspace}"
log() { printf '[backup] %s\n' "$*" >&2; }

mkdir -p "$out"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
while [ -e "$out/agent-workspace-$stamp.sha256" ]; do sleep 1; stamp="$(date -u +%Y%m%dT%H%M%SZ)"; done
base="$out/agent-workspace-$stamp"
dump="$base.sql.gz"
archive="$out/agent-workspace-data-$stamp.tar.gz"
started_at="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
started="$(now)"

dump_database "$db" | gzip > "$dump.partial"
mv "$dump.partial" "$dump"
# workspaces an agent is writing to are archived as they are (snapshots are the consistent copy of a workspace):
# a file that changed while it was read is not an error (GNU tar's exit status 1)
tar -C "$data" --exclude='./db' --exclude='./master.key' --exclude='./admin-token' --warning=no-file-changed \
  -czf "$archive.partial" . || [ $? -eq 1 ]
mv "$archive.partial" "$archive"
cat > "$base.info" <<INFO
stamp=$stamp
started_at=$started_at
finished_at=$(date -u +%Y-%m-%dT%H:%M:%SZ)
seconds=$(elapsed "$started")
database=$db
dump_bytes=$(stat -c %s "$dump")
data_bytes=$(stat -c %s "$archive")
INFO
(cd "$out" && sha256sum "$(basename "$dump")" "$(basename "$archive")" "$(basename "$base.info")" > "$(basename "$base").sha256.partial" \
  && mv "$(basename "$base").sha256.partial" "$(basename "$base").sha256")
log "wrote $(basename "$base") in $(elapsed "$started") s (dump $(stat -c %s "$dump") bytes, data $(stat -c %s "$archive") bytes)"

if [ "${AGENT_BACKUP_S3:-0}" = "1" ]; then
  jar="${AGENT_JAR:-/var/www/agent-workspace/current/agent-workspace.jar}"
  # shellcheck disable=SC2086
  "$(java_bin)" ${AGENT_JAVA_OPTS:--Xmx512m} -jar "$jar" ops ${AGENT_OPS_ARGS:---spring.profiles.active=mysql} \
    backup-upload --stamp="$stamp" --keep="$keep" "$dump" "$archive" "$base.info" "$base.sha256" >&2
  log "copied off-site (keeping $keep)"
fi

# retention: the newest $keep backups stay (by their checksum files, which are written last)
if [ "$keep" -gt 0 ]; then
  ls -1 "$out"/agent-workspace-*.sha256 2>/dev/null | sort -r | tail -n +"$((keep + 1))" | while read -r old; do
    s="${old##*/agent-workspace-}"; s="${s%.sha256}"
    rm -f "$out/agent-workspace-$s.sql.gz" "$out/agent-workspace-data-$s.tar.gz" "$out/agent-workspace-$s.info" "$old"
    log "removed the backup of $s (keeping $keep)"
  done
fi
echo "$base"
