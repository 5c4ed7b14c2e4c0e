#!/usr/bin/env bash
# The whole test suite, on a fresh Debian 12 machine with a JDK 17: installs MariaDB and Redis (apt-get) if they
# are missing, starts them and a single-node Kafka broker on loopback, runs every test against them with
# ./mvnw verify, scans everything for leaked secrets, and stops what it started. Extra arguments go to Maven.
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

# Secret-leak scan over the repository and everything the suite left behind: logs, captured API responses,
# the tests' data directories, and a dump of every test database (event stores included).
mkdir -p target/leak-scan
dbs=$(mariadb --no-defaults -h "$AGENT_TEST_MYSQL_HOST" -P "$AGENT_TEST_MYSQL_PORT" -u "$AGENT_TEST_MYSQL_USER" \
  -p"$AGENT_TEST_MYSQL_PASSWORD" -N -e "SHOW DATABASES LIKE 'agent\_test\_%'" | tr '\n' ' ')
if [ -n "$dbs" ]; then
  # shellcheck disable=SC2086
  mariadb-dump --no-defaults -h "$AGENT_TEST_MYSQL_HOST" -P "$AGENT_TEST_MYSQL_PORT" -u "$AGENT_TEST_MYSQL_USER" \
    -p"$AGENT_TEST_MYSQL_PASSWORD" --skip-extended-insert --databases $dbs > target/leak-scan/test-databases.sql
fi
git ls-files > target/leak-scan/tracked-files.txt 2>/dev/null || find . -type f -not -path './target/*' -not -path './.git/*' > target/leak-scan/tracked-files.txt
java -cp target/test-classes io.agentworkspace.leaks.LeakScanner . --files target/leak-scan/tracked-files.txt
java -cp target/test-classes io.agentworkspace.leaks.LeakScanner .
