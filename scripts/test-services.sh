#!/usr/bin/env bash
# The integration tests need a real PostgreSQL and Redis. Point TEST_DATABASE_URL / TEST_REDIS_URL
# at your own, or let this script start the local ones (as on the project's Debian machines).
set -euo pipefail

if [ -z "${TEST_DATABASE_URL:-}" ] && ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
  if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start
  else
    echo "No PostgreSQL on 127.0.0.1:5432: start one (trust auth for user postgres) or set TEST_DATABASE_URL." >&2
    exit 1
  fi
fi
if [ -z "${TEST_REDIS_URL:-}" ] && ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  if command -v redis-server >/dev/null; then
    mkdir -p /tmp/kanal-test-redis
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no --dir /tmp/kanal-test-redis
  else
    echo "No Redis on 127.0.0.1:6379: install redis-server or set TEST_REDIS_URL." >&2
    exit 1
  fi
fi
# The console's browser tests drive Debian's Chromium through playwright-core (nothing downloads a
# browser at npm ci). CHROMIUM_PATH points at another build.
if [ -z "${CHROMIUM_PATH:-}" ] && ! [ -x /usr/bin/chromium ]; then
  if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null ||
      { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null; }
  else
    echo "No Chromium at /usr/bin/chromium: apt-get install chromium, or set CHROMIUM_PATH." >&2
    exit 1
  fi
fi
for _ in $(seq 1 50); do
  { [ -n "${TEST_DATABASE_URL:-}" ] || pg_isready -h 127.0.0.1 -p 5432 -q; } &&
    { [ -n "${TEST_REDIS_URL:-}" ] || redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; } && exit 0
  sleep 0.2
done
echo "PostgreSQL or Redis did not come up." >&2
exit 1
