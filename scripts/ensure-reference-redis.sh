#!/usr/bin/env bash
# The tests compare Kvik with the reference redis-server 7.0 and use redis-cli/redis-benchmark.
# Installs Debian's packages when they are missing (as root); otherwise says what to install.
set -euo pipefail
missing=()
command -v "${REDIS_SERVER_BIN:-redis-server}" >/dev/null 2>&1 || missing+=(redis-server)
command -v redis-cli >/dev/null 2>&1 || missing+=(redis-tools)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing the reference Redis for the tests: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq "${missing[@]}" >&2
else
  echo "The tests need the reference Redis 7.0: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
