#!/usr/bin/env bash
# Runs one benchmark from src/test/java/io/agentworkspace/bench against the services deploy/dev/services.sh
# starts (started here when not running). Figures print to stdout; docs/benchmarks.md records them.
#   deploy/dev/bench.sh EventStoreAppendBenchmark [args...]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
export AGENT_SERVICES_DIR="${AGENT_SERVICES_DIR:-$ROOT/.services}"
name="${1:?usage: deploy/dev/bench.sh <BenchmarkClass> [args...]}"; shift

deploy/dev/services.sh install
# the console benchmark's peer: nginx with the nchan module (started and stopped by the benchmark itself)
if [ ! -x /usr/sbin/nginx ] || [ ! -f /usr/lib/nginx/modules/ngx_nchan_module.so ]; then
  as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx-light libnginx-mod-nchan >/dev/null
fi
deploy/dev/services.sh start
# shellcheck disable=SC1091
source "$AGENT_SERVICES_DIR/env"

# package: the deploy and restore-drill benchmarks start the packaged jar
./mvnw -q -B -ntp package -DskipTests dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
# AGENT_BENCH_HEAP: the RAG search benchmark at 500k x 768 needs about 6g
exec java -Xms1g -Xmx"${AGENT_BENCH_HEAP:-1g}" -XX:+UseG1GC --add-modules jdk.incubator.vector -Djava.util.concurrent.ForkJoinPool.common.parallelism=2 \
  -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" "io.agentworkspace.bench.$name" "$@"
