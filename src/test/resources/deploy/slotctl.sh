#!/usr/bin/env bash
# What deploy/systemd/agent-workspace@.service does, for tests on a machine without systemd: runs slot <slot> of
# the installation in AGENT_APP_DIR as a process (shared/agent-workspace.env, then shared/slot-<slot>.env, then
# java -jar slots/<slot>/agent-workspace.jar), stops it with SIGTERM (a drain), and tells whether it still runs.
#   slotctl.sh start|stop|running <slot>
set -euo pipefail
action="${1:?usage: slotctl.sh start|stop|running <slot>}"
slot="${2:?slot}"
app="${AGENT_APP_DIR:?AGENT_APP_DIR}"
pidfile="$app/run/slot-$slot.pid"
alive() { [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }
case "$action" in
  start)
    mkdir -p "$app/run" "$app/logs"
    (
      set -a
      . "$app/shared/agent-workspace.env"
      . "$app/shared/slot-$slot.env"
      set +a
      cd "$app/slots/$slot"
      # shellcheck disable=SC2086
      exec "${AGENT_JAVA:-java}" ${SLOT_JAVA_OPTS:-} -jar "$app/slots/$slot/agent-workspace.jar" \
        --spring.profiles.active=mysql >> "$app/logs/slot-$slot.log" 2>&1
    ) &
    echo $! > "$pidfile" ;;
  stop)
    if alive; then kill -TERM "$(cat "$pidfile")"; fi ;;
  running)
    alive ;;
  *) echo "usage: slotctl.sh start|stop|running <slot>" >&2; exit 2 ;;
esac
