#!/usr/bin/env bash
# The production stack on this host, from the project's own files, on loopback by default:
#
#   client -> nginx (deploy/nginx.conf.template)   BREADTH_PUBLIC_HOST:BREADTH_PUBLIC_PORT
#          -> gunicorn app:server (deploy/gunicorn.conf.py, gthread)   127.0.0.1:BREADTH_APP_PORT
#          -> redis-server (deploy/redis.conf, allkeys-lru)           127.0.0.1:BREADTH_REDIS_PORT
#
# Usage: scripts/hosted.sh start|stop|status|restart
#   start   starts whatever is not running (idempotent), then waits until /healthz answers
#           through nginx (at most BREADTH_START_TIMEOUT seconds, default 90)
#   stop    stops nginx, gunicorn and Redis (only the processes named in the run dir's pid files)
#   status  one line per component; exit 0 when all three are up, 1 otherwise
#
# Settings: the BREADTH_* variables read by settings.py (BREADTH_DATA_DIR, BREADTH_RUN_DIR,
# BREADTH_PUBLIC_HOST/PORT, BREADTH_APP_PORT, BREADTH_REDIS_PORT, BREADTH_REDIS_MAXMEMORY,
# BREADTH_WEB_WORKERS/THREADS ...), plus, for this script only: BREADTH_START_TIMEOUT,
# BREADTH_NGINX_USER (workers' user when started as root; default www-data), PYTHON (default
# python). BREADTH_REDIS_URL is set by this script to the stack's own Redis, and
# BREADTH_PROXY_HOPS defaults to 1 (nginx is one trusted proxy in front of the app).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
PYTHON=${PYTHON:-python}
START_TIMEOUT=${BREADTH_START_TIMEOUT:-90}
NGINX_USER=${BREADTH_NGINX_USER:-www-data}

die() { echo "hosted.sh: $*" >&2; exit 1; }

# -- settings, validated by settings.py (a bad value stops here, naming the variable) --------
settings=$("$PYTHON" - <<'PY'
import shlex, sys
from settings import SettingsError, load_settings
try:
    s = load_settings()
except SettingsError as exc:
    sys.exit(f"hosted.sh: {exc}")
values = {
    "RUN": s.run_dir, "DATA_DIR": s.data_dir, "PUBLIC_HOST": s.public_host,
    "PUBLIC_PORT": s.public_port, "APP_PORT": s.app_port, "REDIS_PORT": s.redis_port,
    "REDIS_MAXMEMORY": s.redis_maxmemory,
}
for k, v in values.items():
    print(f"{k}={shlex.quote(str(v))}")
PY
) || exit 2
eval "$settings"

REDIS_SERVER=$(command -v redis-server || echo /usr/bin/redis-server)
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
case "$PUBLIC_HOST" in
  0.0.0.0 | "" ) PROBE_HOST=127.0.0.1; LISTEN="$PUBLIC_PORT" ;;
  *:*) PROBE_HOST="[${PUBLIC_HOST#[}"; PROBE_HOST="${PROBE_HOST%]}]"; LISTEN="$PROBE_HOST:$PUBLIC_PORT" ;;
  *) PROBE_HOST=$PUBLIC_HOST; LISTEN="$PUBLIC_HOST:$PUBLIC_PORT" ;;
esac
[ "$PUBLIC_HOST" = "::" ] && PROBE_HOST="[::1]"
PUBLIC_URL="http://$PROBE_HOST:$PUBLIC_PORT"
APP_URL="http://127.0.0.1:$APP_PORT"

# -- helpers ---------------------------------------------------------------------------------

# pid of component $1 when its pid file names a live process whose command line matches $2
pid_of() {
  local file="$RUN/$1.pid" pid
  [ -s "$file" ] || return 1
  pid=$(tr -dc '0-9' <"$file")
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$2" || return 1
  echo "$pid"
}
redis_pid() { pid_of redis redis-server; }
gunicorn_pid() { pid_of gunicorn gunicorn; }
nginx_pid() { pid_of nginx nginx; }

# HTTP status of GET $1 (000 when nothing answers within 5 s)
http_status() {
  if command -v curl >/dev/null 2>&1; then
    curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$1" || true
  else
    "$PYTHON" -c '
import sys, urllib.error, urllib.request
try:
    print(urllib.request.urlopen(sys.argv[1], timeout=5).status)
except urllib.error.HTTPError as e:
    print(e.code)
except Exception:
    print("000")' "$1"
  fi
}

redis_cmd() {
  if command -v redis-cli >/dev/null 2>&1; then
    redis-cli -h 127.0.0.1 -p "$REDIS_PORT" "$@" 2>/dev/null
  else
    "$PYTHON" -c '
import sys, redis
r = redis.Redis(host="127.0.0.1", port=int(sys.argv[1]), socket_timeout=3)
out = r.execute_command(*sys.argv[2:])
print(out.decode() if isinstance(out, bytes) else ("PONG" if out is True else out))' \
      "$REDIS_PORT" "$@" 2>/dev/null
  fi
}

# wait_for DESCRIPTION SECONDS COMMAND...: poll COMMAND every 0.2 s
wait_for() {
  local what=$1 seconds=$2 deadline
  shift 2
  deadline=$((SECONDS + seconds))
  while [ "$SECONDS" -lt "$deadline" ]; do
    if "$@"; then return 0; fi
    sleep 0.2
  done
  echo "hosted.sh: $what: not ready after $seconds s" >&2
  return 1
}

tail_log() { [ -f "$1" ] && { echo "--- last lines of $1 ---" >&2; tail -n 20 "$1" >&2; }; return 0; }

# stop_pid NAME PID SIGNAL GRACE: signal, wait GRACE s, then SIGKILL
stop_pid() {
  local name=$1 pid=$2 sig=$3 grace=$4 deadline
  kill "-$sig" "$pid" 2>/dev/null || true
  deadline=$((SECONDS + grace))
  while kill -0 "$pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.2; done
  if kill -0 "$pid" 2>/dev/null; then
    echo "$name: still running after $grace s, SIGKILL" >&2
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$RUN/$name.pid"
  echo "$name: stopped (pid $pid)"
}

# -- components ------------------------------------------------------------------------------

redis_ok() { [ "$(redis_cmd PING)" = PONG ]; }

start_redis() {
  local pid
  if pid=$(redis_pid); then echo "redis: already running (pid $pid)"; return 0; fi
  [ -x "$REDIS_SERVER" ] || die "redis-server not found (apt-get install redis-server)"
  mkdir -p "$RUN/redis"
  rm -f "$RUN/redis.pid"
  "$REDIS_SERVER" "$ROOT/deploy/redis.conf" --port "$REDIS_PORT" --bind 127.0.0.1 \
    --dir "$RUN/redis" --pidfile "$RUN/redis.pid" --logfile "$RUN/redis.log" \
    --daemonize yes --maxmemory "$REDIS_MAXMEMORY" --maxmemory-policy allkeys-lru \
    || { tail_log "$RUN/redis.log"; die "redis-server did not start"; }
  wait_for "redis on 127.0.0.1:$REDIS_PORT" 15 redis_ok \
    || { tail_log "$RUN/redis.log"; die "redis-server did not answer"; }
  echo "redis: started (pid $(redis_pid || echo ?), 127.0.0.1:$REDIS_PORT, maxmemory $REDIS_MAXMEMORY, allkeys-lru)"
}

app_answers() {
  gunicorn_pid >/dev/null || return 2  # the master exited: stop waiting
  case "$(http_status "$APP_URL/healthz")" in 200 | 503) return 0 ;; *) return 1 ;; esac
}

start_gunicorn() {
  local pid rc deadline
  if pid=$(gunicorn_pid); then echo "gunicorn: already running (pid $pid)"; return 0; fi
  rm -f "$RUN/gunicorn.pid"
  # one trusted proxy (nginx) in front: the app's per-client limits see the client's address
  BREADTH_REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0" BREADTH_PROXY_HOPS="${BREADTH_PROXY_HOPS:-1}" \
    "$PYTHON" -m gunicorn \
    -c "$ROOT/deploy/gunicorn.conf.py" --daemon --pid "$RUN/gunicorn.pid" \
    --error-logfile "$RUN/gunicorn.log" --capture-output app:server \
    || { tail_log "$RUN/gunicorn.log"; die "gunicorn did not start"; }
  wait_for "gunicorn pid file" 15 gunicorn_pid >/dev/null \
    || { tail_log "$RUN/gunicorn.log"; die "gunicorn exited"; }
  deadline=$((SECONDS + START_TIMEOUT))
  while :; do
    rc=0; app_answers || rc=$?
    [ "$rc" = 0 ] && break
    [ "$rc" = 2 ] && { tail_log "$RUN/gunicorn.log"; die "gunicorn exited"; }
    [ "$SECONDS" -ge "$deadline" ] && {
      tail_log "$RUN/gunicorn.log"; die "gunicorn: /healthz not answering after $START_TIMEOUT s"; }
    sleep 0.2
  done
  echo "gunicorn: started (pid $(gunicorn_pid), 127.0.0.1:$APP_PORT)"
}

render_nginx_conf() {
  local user_directive=""
  mkdir -p "$RUN/nginx"/{client_body,proxy,fastcgi,uwsgi,scgi,cache}
  if [ "$(id -u)" = 0 ]; then
    id "$NGINX_USER" >/dev/null 2>&1 || die "BREADTH_NGINX_USER=$NGINX_USER: no such user"
    user_directive="user $NGINX_USER;"
    chown -R "$NGINX_USER" "$RUN/nginx"
    if command -v runuser >/dev/null 2>&1 \
        && ! runuser -u "$NGINX_USER" -- test -w "$RUN/nginx/proxy" 2>/dev/null; then
      die "nginx workers run as $NGINX_USER, who cannot reach $RUN/nginx (a parent folder is not traversable): choose another BREADTH_RUN_DIR or BREADTH_NGINX_USER"
    fi
  fi
  sed -e "s|@USER_DIRECTIVE@|$user_directive|" -e "s|@RUN_DIR@|$RUN|g" \
      -e "s|@PUBLIC_LISTEN@|$LISTEN|g" -e "s|@APP_PORT@|$APP_PORT|g" \
      "$ROOT/deploy/nginx.conf.template" >"$RUN/nginx.conf.new"
  mv "$RUN/nginx.conf.new" "$RUN/nginx.conf"
}

nginx_cmd() { "$NGINX" -p "$RUN/" -e "$RUN/nginx-error.log" -c "$RUN/nginx.conf" "$@"; }

public_answers() { case "$(http_status "$PUBLIC_URL/healthz")" in 200 | 503) return 0 ;; *) return 1 ;; esac; }

start_nginx() {
  local pid
  if pid=$(nginx_pid); then echo "nginx: already running (pid $pid)"; return 0; fi
  [ -x "$NGINX" ] || die "nginx not found (apt-get install nginx)"
  render_nginx_conf
  rm -f "$RUN/nginx.pid"
  nginx_cmd -t -q || die "nginx: the generated $RUN/nginx.conf does not pass nginx -t"
  nginx_cmd || { tail_log "$RUN/nginx-error.log"; die "nginx did not start"; }
  wait_for "nginx pid file" 10 nginx_pid >/dev/null || { tail_log "$RUN/nginx-error.log"; die "nginx exited"; }
  echo "nginx: started (pid $(nginx_pid), $LISTEN -> 127.0.0.1:$APP_PORT)"
}

# -- commands --------------------------------------------------------------------------------

cmd_start() {
  mkdir -p "$RUN"
  start_redis
  start_gunicorn
  start_nginx
  wait_for "$PUBLIC_URL/healthz through nginx" "$START_TIMEOUT" public_answers \
    || { tail_log "$RUN/nginx-error.log"; exit 1; }
  local code
  code=$(http_status "$PUBLIC_URL/healthz")
  if [ "$code" = 200 ]; then
    echo "up: $PUBLIC_URL (store $DATA_DIR; logs in $RUN)"
  else
    echo "up, but /healthz answers $code: is the store $DATA_DIR empty? (python cli.py demo, or import)" >&2
  fi
}

cmd_stop() {
  local pid
  if pid=$(nginx_pid); then stop_pid nginx "$pid" QUIT 15; else echo "nginx: not running"; fi
  if pid=$(gunicorn_pid); then stop_pid gunicorn "$pid" TERM 40; else echo "gunicorn: not running"; fi
  if pid=$(redis_pid); then stop_pid redis "$pid" TERM 15; else echo "redis: not running"; fi
}

cmd_status() {
  local pid down=0 info
  if pid=$(redis_pid) && redis_ok; then
    info=$(redis_cmd INFO memory | tr -d '\r' | awk -F: '
      $1=="used_memory_human"{u=$2} $1=="maxmemory_human"{m=$2} $1=="maxmemory_policy"{p=$2}
      END{printf "used_memory %s / maxmemory %s, %s", u, m, p}')
    printf '%-9s up    pid %-7s 127.0.0.1:%s  %s\n' redis "$pid" "$REDIS_PORT" "$info"
  else
    printf '%-9s DOWN  127.0.0.1:%s\n' redis "$REDIS_PORT"; down=1
  fi
  if pid=$(gunicorn_pid); then
    local workers
    workers=$(pgrep -c -P "$pid" 2>/dev/null || echo "?")
    printf '%-9s up    pid %-7s 127.0.0.1:%s  %s workers, /healthz %s\n' gunicorn "$pid" \
      "$APP_PORT" "$workers" "$(http_status "$APP_URL/healthz")"
  else
    printf '%-9s DOWN  127.0.0.1:%s\n' gunicorn "$APP_PORT"; down=1
  fi
  if pid=$(nginx_pid); then
    local code
    code=$(http_status "$PUBLIC_URL/healthz")
    printf '%-9s up    pid %-7s %s  /healthz through nginx %s\n' nginx "$pid" "$LISTEN" "$code"
    [ "$code" = 200 ] || down=1
  else
    printf '%-9s DOWN  %s\n' nginx "$LISTEN"; down=1
  fi
  return "$down"
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  restart) cmd_stop; cmd_start ;;
  status) cmd_status ;;
  *) echo "usage: $0 start|stop|status|restart" >&2; exit 2 ;;
esac
