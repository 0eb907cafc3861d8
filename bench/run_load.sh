#!/usr/bin/env bash
# make load: gunicorn (2 workers, 127.0.0.1, --no-control-socket) against the scale
# database, then locust headless (50 users, 1 s between requests, measured for 60 s
# from the last sign-in: bench/locustfile.py); gunicorn is stopped at the end whatever
# happens. Results in $LOAD_OUT (CSV, the warm-up's figures and a summary).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
PORT="${BENCH_PORT:-8010}"
OUT="${LOAD_OUT:-test-results/load}"
USERS="${LOAD_USERS:-50}"
export LOAD_MEASURED_SECONDS="${LOAD_MEASURED_SECONDS:-60}"
export LOAD_WARMUP_FILE="$OUT/warmup.json"
# A safety limit only: the locustfile stops the run after the measured minute.
LIMIT="$((LOAD_MEASURED_SECONDS + 120))s"
rm -f "$LOAD_WARMUP_FILE"
mkdir -p "$OUT"
export REQUIRE_2FA=false DJANGO_DEBUG=true

if curl -s -o /dev/null "http://127.0.0.1:$PORT/"; then
    echo "Something already listens on 127.0.0.1:$PORT: set BENCH_PORT." >&2
    exit 1
fi
setsid .venv/bin/gunicorn reviews_project.wsgi:application \
    -c bench/gunicorn_conf.py --no-control-socket >"$OUT/gunicorn.log" 2>&1 &
GUNICORN=$!
stop() {
    kill -TERM "$GUNICORN" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$GUNICORN" 2>/dev/null || break; sleep 0.2; done
    kill -KILL -- "-$GUNICORN" 2>/dev/null || true
    wait "$GUNICORN" 2>/dev/null || true
}
trap stop EXIT INT TERM
for _ in $(seq 100); do
    curl -s -o /dev/null "http://127.0.0.1:$PORT/account/sign-in/" && break
    sleep 0.3
done
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$OUT/summary.txt"
.venv/bin/locust -f bench/locustfile.py --headless -u "$USERS" -r 10 -t "$LIMIT" \
    --host "http://127.0.0.1:$PORT" --csv "$OUT/locust" --only-summary \
    2>&1 | tee -a "$OUT/summary.txt"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/summary.txt"
$PY -m bench.load_report "$OUT/locust_stats.csv" "$LOAD_WARMUP_FILE" | tee -a "$OUT/summary.txt"
