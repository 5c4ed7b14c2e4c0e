#!/usr/bin/env bash
# The whole test suite, on a fresh Debian 12 machine: installs what is missing (apt-get: MariaDB, Redis, Node.js
# and npm, git, a JDK 17, promtool, nginx), starts them and a single-node Kafka broker on loopback, runs every test against them with
# ./mvnw verify, scans everything for leaked secrets, and stops what it started. Extra arguments go to Maven.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
SERVICES="$ROOT/deploy/dev/services.sh"
export AGENT_SERVICES_DIR="${AGENT_SERVICES_DIR:-$ROOT/.services}"

"$SERVICES" install   # MariaDB, Redis, Node/npm, git, a JDK 17, promtool and nginx where missing (apt-get)

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
