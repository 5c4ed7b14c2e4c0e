#!/usr/bin/env bash
# Starts and stops the services the test suite and the mysql/kafka profiles need, on loopback only:
# MariaDB (Debian package), Redis (Debian package) and a single-node KRaft Kafka broker (jars from Maven Central).
#
#   deploy/dev/services.sh install   apt-get install what is missing (needs root or sudo)
#   deploy/dev/services.sh start     start all three; writes $SERVICES_DIR/env with the connection settings
#   deploy/dev/services.sh stop      stop what start started (by the PIDs it recorded)
#   deploy/dev/services.sh status
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SERVICES_DIR="${AGENT_SERVICES_DIR:-$ROOT/.services}"
MARIADB_PORT="${AGENT_MARIADB_PORT:-33061}"
REDIS_PORT="${AGENT_REDIS_PORT:-36379}"
KAFKA_PORT="${AGENT_KAFKA_PORT:-39092}"
KAFKA_CONTROLLER_PORT="${AGENT_KAFKA_CONTROLLER_PORT:-39093}"
MVN="${MVN:-$ROOT/mvnw}"

log() { printf '[services] %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    log "need root (or sudo) to run: $*"; exit 1; fi
}

install() {
  local missing=()
  command -v mariadbd >/dev/null || [ -x /usr/sbin/mariadbd ] || missing+=(mariadb-server)
  command -v redis-server >/dev/null || missing+=(redis-server)
  command -v curl >/dev/null || missing+=(curl)
  command -v git >/dev/null || missing+=(git)
  # the sandbox agent subprocesses (claude-code) run in; the suite checks it confines them
  command -v bwrap >/dev/null || missing+=(bubblewrap)
  # inside the sandbox, socat offers the service's egress proxy on the sandbox's own loopback
  [ -x /usr/bin/socat ] || missing+=(socat)
  # the suite's real clients (pusher-js, eventsource) and the S3-compatible server are npm packages
  command -v node >/dev/null || missing+=(nodejs)
  command -v npm >/dev/null || missing+=(npm)
  # the Control Center's browser tests: Debian's headless Chromium and its WebDriver
  command -v chromium >/dev/null || missing+=(chromium)
  command -v chromedriver >/dev/null || missing+=(chromium-driver)
  # promtool checks and unit-tests the alert rules (MonitoringIT); nginx is the proxy of the deploy test
  command -v promtool >/dev/null || missing+=(prometheus)
  command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
  java -version 2>&1 | grep -qE 'version "(1[7-9]|2[0-9])' || missing+=(openjdk-17-jdk-headless)
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]} (apt-get)"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  kafka_classpath >/dev/null
}

# The broker runs from Maven Central jars resolved through deploy/dev/kafka/pom.xml; the classpath is cached.
kafka_classpath() {
  local cp_file="$SERVICES_DIR/kafka.classpath"
  mkdir -p "$SERVICES_DIR"
  if [ ! -s "$cp_file" ] || [ "$ROOT/deploy/dev/kafka/pom.xml" -nt "$cp_file" ]; then
    log "resolving the Kafka broker jars"
    "$MVN" -q -B -f "$ROOT/deploy/dev/kafka/pom.xml" dependency:build-classpath -Dmdep.outputFile="$cp_file" >&2
  fi
  cat "$cp_file"
}

wait_for_port() { # name port seconds
  local deadline=$(( $(date +%s) + $3 ))
  until (exec 3<>/dev/tcp/127.0.0.1/"$2") 2>/dev/null; do
    if [ "$(date +%s)" -ge "$deadline" ]; then log "$1 did not open port $2 within $3 s"; return 1; fi
    sleep 0.2
  done
}

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

port_free() { # name port
  if (exec 3<>/dev/tcp/127.0.0.1/"$2") 2>/dev/null; then
    log "port $2 for $1 is taken by another process; stop it or choose another port (see the AGENT_*_PORT variables)"
    exit 1
  fi
}

start_mariadb() {
  local dir="$SERVICES_DIR/mariadb" pidf="$SERVICES_DIR/mariadb.pid"
  alive "$pidf" && { log "mariadb already running"; return; }
  port_free mariadb "$MARIADB_PORT"
  local mariadbd; mariadbd="$(command -v mariadbd || echo /usr/sbin/mariadbd)"
  if [ ! -d "$dir/data/mysql" ]; then
    mkdir -p "$dir/data"
    mariadb-install-db --no-defaults --datadir="$dir/data" --user="$(id -un)" \
      --auth-root-authentication-method=normal --skip-test-db >"$dir/install.log" 2>&1
  fi
  "$mariadbd" --no-defaults --datadir="$dir/data" --socket="$dir/mysqld.sock" --pid-file="$dir/mysqld.pid" \
    --port="$MARIADB_PORT" --bind-address=127.0.0.1 --user="$(id -un)" \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci --default-time-zone=+00:00 \
    --innodb-flush-log-at-trx-commit=1 --sync-binlog=1 --max-connections=500 --max-allowed-packet=64M \
    --innodb-buffer-pool-size=256M --log-error="$dir/error.log" >/dev/null 2>&1 &
  echo $! >"$pidf"
  wait_for_port mariadb "$MARIADB_PORT" 60
  # root over TCP with a password, so JDBC/R2DBC connect the way production does
  mariadb --no-defaults --socket="$dir/mysqld.sock" -uroot -e \
    "ALTER USER 'root'@'localhost' IDENTIFIED BY 'agent'; CREATE USER IF NOT EXISTS 'root'@'127.0.0.1' IDENTIFIED BY 'agent'; GRANT ALL ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION; CREATE DATABASE IF NOT EXISTS agent_workspace;" 2>/dev/null \
  || mariadb --no-defaults --socket="$dir/mysqld.sock" -uroot -pagent -e "CREATE DATABASE IF NOT EXISTS agent_workspace;"
  log "mariadb on 127.0.0.1:$MARIADB_PORT"
}

start_redis() {
  local dir="$SERVICES_DIR/redis" pidf="$SERVICES_DIR/redis.pid"
  alive "$pidf" && { log "redis already running"; return; }
  port_free redis "$REDIS_PORT"
  mkdir -p "$dir"
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --daemonize yes --dir "$dir" --pidfile "$pidf" \
    --logfile "$dir/redis.log" --save "" --appendonly no >/dev/null
  wait_for_port redis "$REDIS_PORT" 20
  log "redis on 127.0.0.1:$REDIS_PORT"
}

start_kafka() {
  local dir="$SERVICES_DIR/kafka" pidf="$SERVICES_DIR/kafka.pid" cp
  alive "$pidf" && { log "kafka already running"; return; }
  port_free kafka "$KAFKA_PORT"
  port_free kafka-controller "$KAFKA_CONTROLLER_PORT"
  cp="$(kafka_classpath)"
  mkdir -p "$dir"
  cat >"$dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$dir/logs
num.partitions=3
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=true
PROPS
  cat >"$dir/log4j.properties" <<'PROPS'
log4j.rootLogger=WARN, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
PROPS
  local java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
  if [ ! -f "$dir/logs/meta.properties" ]; then
    "$java" -cp "$cp" -Dlog4j.configuration="file:$dir/log4j.properties" kafka.tools.StorageTool format \
      -t "$(cat /proc/sys/kernel/random/uuid | tr -d '-' | head -c 22)" -c "$dir/server.properties" >"$dir/format.log" 2>&1
  fi
  "$java" -Xms256m -Xmx512m -XX:+UseG1GC -Dlog4j.configuration="file:$dir/log4j.properties" \
    -cp "$cp" kafka.Kafka "$dir/server.properties" >"$dir/kafka.log" 2>&1 &
  echo $! >"$pidf"
  wait_for_port kafka "$KAFKA_PORT" 60
  log "kafka on 127.0.0.1:$KAFKA_PORT"
}

write_env() {
  cat >"$SERVICES_DIR/env" <<ENV
export AGENT_TEST_MYSQL_HOST=127.0.0.1
export AGENT_TEST_MYSQL_PORT=$MARIADB_PORT
export AGENT_TEST_MYSQL_USER=root
export AGENT_TEST_MYSQL_PASSWORD=agent
export AGENT_TEST_REDIS_HOST=127.0.0.1
export AGENT_TEST_REDIS_PORT=$REDIS_PORT
export AGENT_TEST_KAFKA_BOOTSTRAP=127.0.0.1:$KAFKA_PORT
ENV
}

stop_pid() { # name pidfile
  if alive "$2"; then
    local pid; pid="$(cat "$2")"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
    log "$1 stopped"
  fi
  rm -f "$2"
}

case "${1:-}" in
  install) install ;;
  start)
    mkdir -p "$SERVICES_DIR"
    start_mariadb; start_redis; start_kafka; write_env
    log "settings in $SERVICES_DIR/env" ;;
  stop)
    stop_pid kafka "$SERVICES_DIR/kafka.pid"
    stop_pid redis "$SERVICES_DIR/redis.pid"
    stop_pid mariadb "$SERVICES_DIR/mariadb.pid" ;;
  status)
    for s in mariadb redis kafka; do
      if alive "$SERVICES_DIR/$s.pid"; then echo "$s running"; else echo "$s stopped"; fi
    done ;;
  *) echo "usage: $0 install|start|stop|status" >&2; exit 2 ;;
esac
