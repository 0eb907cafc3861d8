#!/usr/bin/env bash
# Run the web server and the django-q2 worker together. Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
# The demo runs with DEBUG on and two-factor sign-in off unless told otherwise (as
# `make demo` sets them): DEBUG is off by default everywhere else.
export DJANGO_DEBUG=${DJANGO_DEBUG:-true} REQUIRE_2FA=${REQUIRE_2FA:-false}

pids=()
GRACE_SECONDS=10

stop() {
    trap - INT TERM EXIT
    # Ask each process to stop; the worker stops its own children.
    for pid in "${pids[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for _ in $(seq $((GRACE_SECONDS * 5))); do
        alive=0
        for pid in "${pids[@]}"; do
            kill -0 "$pid" 2>/dev/null && alive=1
        done
        [ "$alive" -eq 0 ] && break
        sleep 0.2
    done
    # Each started in its own process group: whatever is left of it is killed.
    for pid in "${pids[@]}"; do
        kill -KILL -- "-$pid" 2>/dev/null || true
    done
    wait 2>/dev/null || true
    echo "Stopped the web server and the worker."
}
trap stop INT TERM EXIT

setsid $PY manage.py qcluster &
pids+=($!)
setsid $PY manage.py runserver 127.0.0.1:8000 --noreload &
pids+=($!)

echo "Children's reviews: http://127.0.0.1:8000 (Ctrl-C stops the server and the worker)"
wait -n "${pids[@]}" || true
