#!/usr/bin/env bash
# npm run bench: builds Kvik, then runs redis-benchmark against Kvik and a redis-server started
# beside it, interleaved, and writes the ratios to bench/RESULTS.md. Never part of `npm test`.
# Options are environment variables; see the header of bench/bench.ts.
set -euo pipefail
cd "$(dirname "$0")/.."
for bin in "${REDIS_SERVER_BIN:-redis-server}" "${REDIS_BENCHMARK_BIN:-redis-benchmark}" "${REDIS_CLI_BIN:-redis-cli}"; do
  command -v "$bin" >/dev/null 2>&1 || { echo "bench: $bin is missing (Debian: apt-get install redis-server redis-tools)" >&2; exit 2; }
done
npm run build --silent
exec node --import tsx bench/bench.ts "$@"
