# Two instance slots behind one proxy: the release machinery deploy/release.sh and deploy/rollback.sh share
# (sourced, not run). docs/operations.md, "Deploy and roll back", describes the layout and every setting.
#
#   $app/releases/<stamp>/agent-workspace.jar    one directory per release
#   $app/slots/a, $app/slots/b -> releases/<..>  what each slot runs (the units start slots/<slot>/agent-workspace.jar)
#   $app/current -> releases/<..>                the live release
#   $app/live                                    slot=<a|b> release=<stamp> of the instance taking traffic
#   $app/deploys.log                             one line per activation: when, action, release, slot, outcome,
#                                                the release live before, and the timings
#   $app/shared/slot-<slot>.env                  AGENT_PORT, AGENT_RUNS_NODE_ID, AGENT_MANAGEMENT_PORT (and MANAGEMENT_SERVER_PORT when
#                                                actuator has its own port) of each slot
# shellcheck source=deploy/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

deploy_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# defaults for the systemd template; {slot} is replaced by a or b
slot_start='systemctl start agent-workspace@{slot}'
# must not wait for the drain: the scripts time it
slot_stop='systemctl stop --no-block agent-workspace@{slot}'
# true while the slot's process lives (draining included)
slot_running='[ "$(systemctl show -p MainPID --value agent-workspace@{slot})" != 0 ]'
[ -z "${AGENT_SLOT_START:-}" ] || slot_start="$AGENT_SLOT_START"
[ -z "${AGENT_SLOT_STOP:-}" ] || slot_stop="$AGENT_SLOT_STOP"
[ -z "${AGENT_SLOT_RUNNING:-}" ] || slot_running="$AGENT_SLOT_RUNNING"
proxy_switch="${AGENT_PROXY_SWITCH:-$deploy_dir/nginx/switch-upstream.sh}"
ready_timeout="${AGENT_READY_TIMEOUT:-180}"
drain_timeout="${AGENT_DRAIN_TIMEOUT:-600}"
keep="${AGENT_KEEP_RELEASES:-5}"

log() { printf '[%s] %s\n' "${script_name:-deploy}" "$*" >&2; }
# the scripts run with set -eE: a step that fails stops them, and this names it (activate reports its own outcome)
trap 'case "$BASH_COMMAND" in activate\ *) ;; *) log "stopped: \"$BASH_COMMAND\" failed (line $LINENO)" ;; esac' ERR

slot_do() { # command-template slot
  local command="${1//\{slot\}/$2}"
  eval "$command"
}

slot_setting() { # slot name
  sed -n "s/^$2=//p" "$app/shared/slot-$1.env" 2>/dev/null | tail -n 1 | tr -d '"'"'"
}

slot_port() {
  local port; port="$(slot_setting "$1" AGENT_PORT)"
  [ -n "$port" ] || { log "no AGENT_PORT in $app/shared/slot-$1.env"; exit 2; }
  echo "$port"
}

# the readiness probe of a slot: its management port (AGENT_MANAGEMENT_PORT; each slot needs its own, the default
# 8081 is one slot's server port), else its server port (a service configured to serve actuator there)
slot_ready_url() {
  local management; management="$(slot_setting "$1" AGENT_MANAGEMENT_PORT)"
  [ -n "$management" ] || management="$(slot_setting "$1" MANAGEMENT_SERVER_PORT)"
  echo "http://127.0.0.1:${management:-$(slot_port "$1")}${AGENT_READY_PATH:-/actuator/health/readiness}"
}

live_value() { [ ! -f "$app/live" ] || sed -n "s/^$1=//p" "$app/live"; }
other_slot() { [ "$1" = "a" ] && echo b || echo a; }

record() { # action release slot outcome from timings...
  local when; when="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  printf '%s action=%s release=%s slot=%s outcome=%s from=%s %s\n' "$when" "$1" "$2" "$3" "$4" "${5:--}" "${*:6}" \
    >> "$app/deploys.log"
}

relink() { # link target: atomic (a new symlink renamed over the old one)
  ln -sfn "$2" "$1.next"
  mv -T "$1.next" "$1"
}

wait_ready() { # slot
  local url status=0
  url="$(slot_ready_url "$1")"
  wait_until_up "$url" "$ready_timeout" "slot_do \"\$slot_running\" $1" || status=$?
  case "$status" in
    0) return 0 ;;
    2) log "slot $1 exited before it was ready" ;;
    *) log "slot $1 was not ready within ${ready_timeout} s ($url)" ;;
  esac
  return 1
}

# Refuses, before anything is copied or started, an installation the slots cannot run in: an app directory that
# is not absolute (the slot links would point nowhere), a slot file without a numeric AGENT_PORT, and two slots
# sharing a port (AGENT_PORT or AGENT_MANAGEMENT_PORT: the new instance could not listen beside the live one).
check_installation() {
  local slot name value seen=""
  [[ "$app" == /* ]] || { log "the app directory must be an absolute path, not '$app' (the slot links would break)"; exit 2; }
  for slot in a b; do
    [ -f "$app/shared/slot-$slot.env" ] || { log "no $app/shared/slot-$slot.env (see deploy/slot-$slot.env.example)"; exit 2; }
    for name in AGENT_PORT AGENT_MANAGEMENT_PORT; do
      value="$(slot_setting "$slot" "$name")"
      if [ -z "$value" ]; then
        [ "$name" != AGENT_PORT ] || { log "no AGENT_PORT in $app/shared/slot-$slot.env"; exit 2; }
        continue
      fi
      [[ "$value" =~ ^[0-9]{1,5}$ ]] || { log "$name in $app/shared/slot-$slot.env is not a port: $value"; exit 2; }
      if grep -q " $value=" <<<"$seen"; then
        log "$name=$value of slot $slot is also $(grep -o " $value=[^ ]*" <<<"$seen" | head -n 1 | cut -d= -f2): each slot needs ports of its own"
        exit 2
      fi
      seen="$seen $value=slot-${slot}:$name"
    done
  done
}

wait_gone() { # slot seconds
  local deadline=$(( $(date +%s) + $2 ))
  while slot_do "$slot_running" "$1"; do
    [ "$(date +%s)" -lt "$deadline" ] || return 1
    sleep 0.2
  done
}

# Makes <release-dir> live through the idle slot: start it there, wait until it is ready (the console warms up
# before readiness), switch the proxy to it, then drain the slot that was live (SIGTERM: it takes no more runs,
# lets its runs end or hands them back, closes console connections with 4200 so clients resume on the new one,
# exits). A release that is not ready never gets traffic: it is stopped and the live one stays. Prints the timings.
activate() { # release-dir action
  local release="$1" action="$2" started name from live target port ready serving switched gone
  started="$(now)"
  name="$(basename "$release")"
  live="$(live_value slot)"
  from="$(live_value release)"
  target="$(other_slot "${live:-b}")"
  mkdir -p "$app/slots" "$app/logs"
  if slot_do "$slot_running" "$target"; then
    log "slot $target still runs (a release draining?); waiting up to ${AGENT_SLOT_FREE_TIMEOUT:-120} s for it"
    wait_gone "$target" "${AGENT_SLOT_FREE_TIMEOUT:-120}" || { log "slot $target is busy: not deploying"; return 3; }
  fi
  relink "$app/slots/$target" "$release"
  log "starting $name on slot $target"
  slot_do "$slot_start" "$target"
  if ! wait_ready "$target"; then
    slot_do "$slot_stop" "$target" || true
    wait_gone "$target" 120 || log "slot $target did not stop within 120 s"
    record "$action" "$name" "$target" failed-readiness "$from" "seconds=$(elapsed "$started")"
    log "$name did not become ready: rolled back automatically, ${from:-nothing} stays live on slot ${live:--}"
    return 1
  fi
  ready="$(elapsed "$started")"
  port="$(slot_port "$target")"
  switched="$(now)"
  if ! "$proxy_switch" "$port"; then
    log "the proxy switch to port $port failed: stopping $name, ${from:-nothing} stays live"
    slot_do "$slot_stop" "$target" || true
    wait_gone "$target" 120 || true
    record "$action" "$name" "$target" failed-switch "$from" "seconds=$(elapsed "$started")"
    return 1
  fi
  serving="$(elapsed "$started")"
  switched="$(elapsed "$switched")"
  relink "$app/current" "$release"
  printf 'slot=%s\nrelease=%s\n' "$target" "$name" > "$app/live.next"
  mv -f "$app/live.next" "$app/live"
  log "$name serves on slot $target (port $port) $serving s after the start; the proxy switch took $switched s"
  gone="$serving"
  if [ -n "$live" ]; then
    log "draining slot $live (${from:-?})"
    slot_do "$slot_stop" "$live" || true
    if wait_gone "$live" "$drain_timeout"; then
      gone="$(elapsed "$started")"
      log "slot $live is gone $gone s after the start"
    else
      gone="-"
      log "slot $live still drains after ${drain_timeout} s (runs that may not run twice); it exits when they end"
    fi
  fi
  record "$action" "$name" "$target" live "$from" "ready_s=$ready serving_s=$serving switch_s=$switched gone_s=$gone"
  echo "$action $name: ready ${ready} s, serving ${serving} s (switch ${switched} s), old release gone ${gone} s"
}

# Keeps the newest $keep releases, never one a slot, current or a rollback may need.
prune_releases() {
  local needed; needed="$(readlink "$app/current" 2>/dev/null; readlink "$app/slots/a" 2>/dev/null; \
    readlink "$app/slots/b" 2>/dev/null; rollback_target)"
  ls -1dt "$app"/releases/* 2>/dev/null | tail -n +"$((keep + 1))" | while read -r old; do
    if ! grep -qxF "$old" <<<"$needed" && ! grep -qxF "$(basename "$old")" <<<"$needed"; then rm -rf "$old"; fi
  done
}

# The release that was live before the last successful release (not a rollback): what rollback.sh returns to.
rollback_target() {
  grep ' action=release ' "$app/deploys.log" 2>/dev/null | grep ' outcome=live ' | tail -n 1 \
    | sed -n 's/.* from=\([^ ]*\).*/\1/p' | grep -v '^-$' || true
}
