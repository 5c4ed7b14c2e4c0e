#!/usr/bin/env bash
# Proves a backup: restores it into a fresh database and data directory beside everything else, checks the copy
# with the service's own code, starts the service on it, and prints one line per check (ok, skip or FAIL). Exit 0
# only when every check holds. Nothing it starts touches the installation the backup came from: the drill runs on
# the profiles mysql,drill (no runs taken, no Redis, no Kafka, no S3, see application-drill.yml).
#
#   deploy/restore-drill.sh <backup-dir>/agent-workspace-<stamp>
#
# Settings: AGENT_DB_HOST, AGENT_DB_PORT, AGENT_DB_USER, AGENT_DB_PASSWORD (the server to restore into: it needs
# CREATE DATABASE), AGENT_MASTER_KEY (the installation's), AGENT_JAR (default
# /var/www/agent-workspace/current/agent-workspace.jar), AGENT_JAVA_OPTS (default -Xmx1g),
# AGENT_DRILL_DB_NAME (default agent_workspace_drill_<stamp>_<pid>), AGENT_DRILL_DATA_DIR (default a new temporary one),
# AGENT_DRILL_PORT (default 18080) and AGENT_DRILL_MANAGEMENT_PORT (default 18081), AGENT_DRILL_READY_TIMEOUT (seconds
# the service may take to report ready on the copy, default 300),
# AGENT_DRILL_KEEP=1 keeps the restored copy afterwards (dropped by default).
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=deploy/lib.sh
. "$here/lib.sh"

base="${1:?usage: deploy/restore-drill.sh <backup-dir>/agent-workspace-<stamp>}"
stamp="${base##*agent-workspace-}"
dir="$(cd "$(dirname "$base")" && pwd)"
jar="${AGENT_JAR:-/var/www/agent-workspace/current/agent-workspace.jar}"
drill_db="${AGENT_DRILL_DB_NAME:-agent_workspace_drill_$(echo "$stamp" | tr -cd '0-9A-Za-z')_$$}"
if [ -n "${AGENT_DRILL_DATA_DIR:-}" ]; then drill_dir="$AGENT_DRILL_DATA_DIR"; drill_parent=""
else drill_parent="$(mktemp -d -t agent-workspace-drill.XXXXXX)"; drill_dir="$drill_parent/data"; fi
port="${AGENT_DRILL_PORT:-18080}"
# the drill's own management port, never the live service's (8081 by default on the same host)
management_port="${AGENT_DRILL_MANAGEMENT_PORT:-18081}"
ready_url="http://127.0.0.1:${management_port}${AGENT_READY_PATH:-/actuator/health/readiness}"
failures=0
work="$(mktemp -d -t agent-workspace-drill-work.XXXXXX)"

check() { # status name detail
  printf '%-4s %s: %s\n' "$1" "$2" "$3"
  [ "$1" = "FAIL" ] && failures=$((failures + 1))
  return 0
}

cleanup() {
  if [ -n "${service_pid:-}" ] && kill -0 "$service_pid" 2>/dev/null; then kill "$service_pid"; wait "$service_pid" 2>/dev/null; fi
  if [ "${AGENT_DRILL_KEEP:-0}" != "1" ]; then
    # only what this drill created: a name or directory that already held something is never removed
    [ "${owned:-0}" = 1 ] && echo "DROP DATABASE IF EXISTS \`$drill_db\`" | sql 2>/dev/null
    [ "${owned:-0}" = 1 ] && rm -rf "$drill_dir"
    [ -z "$drill_parent" ] || rm -rf "$drill_parent"
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# the drill's JVMs: the restored database and directory, the drill profile, the installation's master key; no error
# reports to the installation's Sentry (an environment variable would win over application-drill.yml)
drill_java() {
  # shellcheck disable=SC2086
  AGENT_OBSERVABILITY_SENTRY_DSN="" AGENT_DB_NAME="$drill_db" AGENT_DATA_DIR="$drill_dir" exec "$(java_bin)" ${AGENT_JAVA_OPTS:--Xmx1g} -jar "$jar" "$@"
}

[ -f "$jar" ] || { check FAIL setup "no jar at $jar (AGENT_JAR)"; exit 1; }
[ -n "${AGENT_MASTER_KEY:-}" ] || check FAIL setup "AGENT_MASTER_KEY is not set: without the installation's key no secret can be read"

# 1. the files are the ones the backup wrote
if (cd "$dir" && sha256sum --quiet -c "agent-workspace-$stamp.sha256" >/dev/null 2>&1); then
  check ok checksums "$(wc -l < "$dir/agent-workspace-$stamp.sha256") files match agent-workspace-$stamp.sha256"
else
  check FAIL checksums "the files do not match agent-workspace-$stamp.sha256"
  exit 1
fi

# 2. restore into a fresh database and directory: refused if either already exists, so a drill pointed at a live
#    database or data directory (AGENT_DRILL_DB_NAME, AGENT_DRILL_DATA_DIR) neither touches nor removes it
[[ "$drill_db" =~ ^[A-Za-z0-9_]{1,64}$ ]] || { check FAIL setup "AGENT_DRILL_DB_NAME must be 1-64 letters, digits or _"; exit 1; }
if [ -n "$(echo "SHOW DATABASES LIKE '$drill_db'" | sql -N 2>/dev/null)" ]; then
  check FAIL setup "database $drill_db exists already: a drill restores into a new one"; exit 1
fi
if [ -e "$drill_dir" ] && [ -n "$(ls -A "$drill_dir" 2>/dev/null)" ]; then
  check FAIL setup "$drill_dir is not empty: a drill restores into a new directory"; exit 1
fi
owned=1
restore_started="$(now)"
if AGENT_DB_NAME="$drill_db" AGENT_DATA_DIR="$drill_dir" "$here/restore.sh" "$base" 2>"$work/restore.log"; then
  restore_seconds="$(elapsed "$restore_started")"
  check ok restore "into database $drill_db and $drill_dir in $restore_seconds s"
else
  check FAIL restore "$(tail -n 1 "$work/restore.log")"
  exit 1
fi

# 3. every table holds what the backup holds: the restored database dumped again, row for row
tables_started="$(now)"
gunzip -c "$dir/agent-workspace-$stamp.sql.gz" | grep '^INSERT INTO ' > "$work/backup.rows"
dump_database "$drill_db" | grep '^INSERT INTO ' > "$work/restored.rows"
tables="$(cut -d'`' -f2 "$work/backup.rows" | sort -u | wc -l)"
if cmp -s "$work/backup.rows" "$work/restored.rows"; then
  check ok tables "$tables tables with rows, every row equal to the backup ($(wc -l < "$work/backup.rows") insert statements) in $(elapsed "$tables_started") s"
else
  differing=0
  for table in $(cut -d'`' -f2 "$work/backup.rows" "$work/restored.rows" | sort -u); do
    a="$(grep -F "INSERT INTO \`$table\` " "$work/backup.rows" | sha256sum)"
    b="$(grep -F "INSERT INTO \`$table\` " "$work/restored.rows" | sha256sum)"
    [ "$a" = "$b" ] || { check FAIL "table $table" "its rows differ from the backup after the restore"; differing=$((differing + 1)); }
  done
  if [ "$differing" -eq 0 ]; then
    check ok tables "$tables tables with rows, every table's rows equal to the backup's (the dump lists the tables in another order) in $(elapsed "$tables_started") s"
  else
    check FAIL tables "$differing of $tables tables differ from the backup"
  fi
fi

# 4. the service's own checks: processors, chain, read models against the backup, rebuilds, secrets
checks_started="$(now)"
(drill_java ops --spring.profiles.active=mysql,drill restore-drill 2>"$work/ops.log")
status=$?
checks_seconds="$(elapsed "$checks_started")"
if [ "$status" -ne 0 ]; then
  failures=$((failures + 1))
  [ "$status" -eq 1 ] || check FAIL service-checks "ops restore-drill exited $status: $(grep -v '^\s*at ' "$work/ops.log" | tail -n 3 | tr '\n' ' ')"
fi

# 5. the service starts on the copy and reports ready
start="$(now)"
# in a subshell that becomes the JVM (exec), so that its pid is the service's
(drill_java --spring.profiles.active=mysql,drill --server.port="$port" \
  --management.server.port="$management_port" --management.server.address=127.0.0.1 >"$work/service.log" 2>&1) &
service_pid=$!
ready=""
if wait_until_up "$ready_url" "${AGENT_DRILL_READY_TIMEOUT:-300}" "kill -0 $service_pid 2>/dev/null"; then ready="$(elapsed "$start")"; fi
if [ -n "$ready" ]; then
  check ok service "ready on the restored copy $ready s after start"
else
  check FAIL service "not ready on the restored copy: $(grep -E 'ERROR|Exception' "$work/service.log" | head -n 2 | tr '\n' ' ')"
fi
kill "$service_pid" 2>/dev/null; wait "$service_pid" 2>/dev/null; service_pid=""

# recovery figures, as measured here
taken="$(sed -n 's/^finished_at=//p' "$dir/agent-workspace-$stamp.info" 2>/dev/null)"
if [ -n "$ready" ]; then
  rto="$(awk -v a="$restore_seconds" -v b="$ready" 'BEGIN { printf "%.1f", a + b }')"
  age=""
  [ -n "$taken" ] && age="; the backup is $(( $(date +%s) - $(date -d "$taken" +%s) )) s old (taken $taken): restoring it now loses what happened since"
  check ok recovery "restore $restore_seconds s + start $ready s = $rto s to a serving copy$age (the service's checks took $checks_seconds s)"
fi

if [ "$failures" -eq 0 ]; then echo "drill passed: every check holds"; else echo "DRILL FAILED: $failures check(s) failed"; fi
[ "$failures" -eq 0 ]
