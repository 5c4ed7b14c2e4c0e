#!/usr/bin/env bash
# The whole test suite, on a fresh Debian 12 machine with a JDK 17: installs MariaDB and Redis (apt-get) if they
# are missing, starts them and a single-node Kafka broker on loopback, runs every test against them with
# ./mvnw verify, and stops what it started. Extra arguments go to Maven.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
SERVICES="$ROOT/deploy/dev/services.sh"
export AGENT_SERVICES_DIR="${AGENT_SERVICES_DIR:-$ROOT/.services}"

if ! command -v java >/dev/null || ! java -version 2>&1 | grep -qE 'version "(1[7-9]|2[0-9])'; then
  echo "a JDK 17 or newer is needed: sudo apt-get install -y openjdk-17-jdk-headless" >&2
  exit 1
fi

"$SERVICES" install

already_running=$("$SERVICES" status | grep -c running || true)
if [ "$already_running" -lt 3 ]; then
  trap '"$SERVICES" stop' EXIT
fi
"$SERVICES" start
# shellcheck disable=SC1091
source "$AGENT_SERVICES_DIR/env"

./mvnw -B -ntp verify "$@"
