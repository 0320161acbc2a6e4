#!/usr/bin/env bash
# The load test of issue 7: people browse Rolpool as medewerker, opdrachtgever and
# HR-adviseur against gunicorn on 127.0.0.1, with the 20,000-member data set.
#
#   createdb rolpool_load   # once; any empty database will do
#   bench/loadtest/run.sh
#
# 1. builds the data set when the database is empty (seed_demo, 20,000 members and
#    2,000 opgaven), creates the load-test accounts and computes the matches;
# 2. starts gunicorn with production settings (DJANGO_DEBUG=0) and 2 workers per core;
# 3. runs Locust headless: 200 people, 1 more per second (each logs in first), then all
#    of them browse for 2 minutes; Locust's statistics restart once all are started;
# 4. prints the summary as one JSON line (the last line), the browsing apart from the
#    logins, and stops gunicorn.
#
# Sizes and load can be changed through the environment (see the defaults below), e.g.
# LOADTEST_USERS=20 LOADTEST_DURATION=20 (seconds of browsing) for a quick try.
# DATABASE_URL, REDIS_URL and LOADTEST_PORT point a run at its own database, Redis and
# port (several worktrees on one machine). Everything the run writes (Locust's CSV
# files, logs, the summary) goes to var/loadtest/.
set -euo pipefail
cd "$(dirname "$0")/../.."

BIN=.venv/bin
OUT=var/loadtest
PORT=${LOADTEST_PORT:-8001}
MEMBERS=${LOADTEST_MEMBERS:-20000}
OPGAVEN=${LOADTEST_OPGAVEN:-2000}
USERS=${LOADTEST_USERS:-200}
# A login checks a password (PBKDF2, ~0.8 s of a core): 2 a second took 1.6 of the 2 cores
# and left a queue that lasted into the browsing; 1 a second leaves room for browsing.
SPAWN_RATE=${LOADTEST_SPAWN_RATE:-1}
DURATION=${LOADTEST_DURATION:-120}  # seconds of browsing once everyone is started
RAMP=$(((USERS + SPAWN_RATE - 1) / SPAWN_RATE))
WORKERS=${LOADTEST_WORKERS:-$((2 * $(nproc)))}

export DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/rolpool_load}
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/11}
# Production settings, served over plain HTTP on the loopback address: there is no TLS
# proxy in front, so the HTTPS redirect is off (cookies stay Secure; the locustfile
# has its client send them over http).
export DJANGO_DEBUG=0
export DJANGO_SECRET_KEY=${DJANGO_SECRET_KEY:-$(head -c 32 /dev/urandom | base64)}
export DJANGO_ALLOWED_HOSTS=127.0.0.1
export DJANGO_SECURE_SSL_REDIRECT=0
export ROLPOOL_LOADTEST_PASSWORD=${ROLPOOL_LOADTEST_PASSWORD:-lasttest-wachtwoord}
export ROLPOOL_LOADTEST_ACCOUNTS=$USERS
export ROLPOOL_LOADTEST_SUMMARY=$OUT/summary.json

mkdir -p "$OUT"
rm -f "$ROLPOOL_LOADTEST_SUMMARY"
$BIN/python manage.py migrate --no-input -v0
# Collecting (and compressing) the static files takes minutes: only when they changed.
MANIFEST=var/static/staticfiles.json
if [ ! -f "$MANIFEST" ] || [ -n "$(find static -newer "$MANIFEST" -print -quit)" ]; then
    $BIN/python manage.py collectstatic --no-input -v0
fi
$BIN/python manage.py seed_demo --if-empty --members "$MEMBERS" --opgaven "$OPGAVEN"
$BIN/python manage.py loadtest_accounts --per-group "$USERS"
# No worker runs here: compute what seeding left stale now, and leave the tables as
# autovacuum keeps them in a running database: statistics, and dead rows cleared with the
# visibility map set (index-only scans read no table pages). A server for tests often
# runs without autovacuum; seeding and the sweep leave ≈ 50,000 dead rows.
$BIN/python manage.py shell -c "
from django.db import connection
from assignments.tasks import sweep_stale_matches
print('stale matches recomputed:', sweep_stale_matches())
connection.cursor().execute('VACUUM (ANALYZE)')
"

$BIN/gunicorn config.wsgi:application --config python:config.gunicorn \
    --bind "127.0.0.1:$PORT" --workers "$WORKERS" \
    >"$OUT/gunicorn.log" 2>&1 &
GUNICORN=$!
trap 'kill "$GUNICORN" 2>/dev/null; wait "$GUNICORN" 2>/dev/null || true' EXIT
for _ in $(seq 60); do
    curl -fs "http://127.0.0.1:$PORT/health" >/dev/null && break
    sleep 1
done
curl -fs "http://127.0.0.1:$PORT/health" >/dev/null || { echo "gunicorn did not start" >&2; exit 1; }

echo "load: $(cut -d' ' -f1-3 /proc/loadavg) before the run;" \
    "$USERS users started in ${RAMP}s, then browsing for ${DURATION}s" >&2
# Locust exits non-zero when any request failed; the summary reports that.
$BIN/locust -f bench/loadtest/locustfile.py --headless --only-summary \
    -u "$USERS" -r "$SPAWN_RATE" -t "$((RAMP + DURATION))s" --reset-stats \
    --host "http://127.0.0.1:$PORT" \
    --csv "$OUT/locust" >"$OUT/locust.log" 2>&1 || true
echo "load: $(cut -d' ' -f1-3 /proc/loadavg) after the run" >&2
cat "$ROLPOOL_LOADTEST_SUMMARY"
