#!/usr/bin/env bash
# Starts a desktop for the worker — Xvfb, a light window manager, optionally a noVNC live
# view — and then the worker itself. The same script runs in the desktop container and on
# a plain VM (and in the end-to-end test). Stopping it (SIGTERM/SIGINT) stops the worker
# first, then everything it started.
#
#   DISPLAY=:99               the X display to create (or reuse, when one already answers)
#   SCREEN_SIZE=1920x1080     Xvfb's screen
#   WINDOW_MANAGER=openbox    or "none"
#   VNC_PASSWORD=…            set to serve noVNC on NOVNC_PORT (default 6080)
#   WORKER_COMMAND=…          what to run (default: the worker from this checkout)
set -euo pipefail

repo="$(cd "$(dirname "$0")/../.." && pwd)"
export DISPLAY="${DISPLAY:-:99}"
screen_size="${SCREEN_SIZE:-1920x1080}"
display_number="${DISPLAY#*:}"
display_number="${display_number%%.*}"
socket="/tmp/.X11-unix/X${display_number}"
children=()

log() { printf '{"level":"info","name":"desktop","msg":"%s"}\n' "$*" >&2; }

cleanup() {
  for pid in "${children[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

if [ -S "$socket" ]; then
  log "display ${DISPLAY} already running; using it"
else
  Xvfb "$DISPLAY" -screen 0 "${screen_size}x24" -nolisten tcp -ac >/dev/null 2>&1 &
  children+=("$!")
  for _ in $(seq 1 100); do [ -S "$socket" ] && break; sleep 0.05; done
  [ -S "$socket" ] || { log "Xvfb did not start on ${DISPLAY}"; exit 1; }
  log "started Xvfb on ${DISPLAY} (${screen_size})"
fi

if [ "${WINDOW_MANAGER:-openbox}" != "none" ] && command -v "${WINDOW_MANAGER:-openbox}" >/dev/null; then
  "${WINDOW_MANAGER:-openbox}" >/dev/null 2>&1 &
  children+=("$!")
fi

if [ -n "${VNC_PASSWORD:-}" ]; then
  if command -v x11vnc >/dev/null && command -v websockify >/dev/null; then
    x11vnc -storepasswd "$VNC_PASSWORD" /tmp/deskgate-vnc.pass >/dev/null 2>&1
    x11vnc -display "$DISPLAY" -rfbauth /tmp/deskgate-vnc.pass -forever -shared -quiet \
      -rfbport "${VNC_PORT:-5900}" >/dev/null 2>&1 &
    children+=("$!")
    websockify --web /usr/share/novnc "${NOVNC_PORT:-6080}" "localhost:${VNC_PORT:-5900}" >/dev/null 2>&1 &
    children+=("$!")
    log "noVNC live view on port ${NOVNC_PORT:-6080}"
  else
    log "VNC_PASSWORD is set but x11vnc/websockify are not installed; no live view"
  fi
fi

cd "$repo"
if [ -n "${WORKER_COMMAND:-}" ]; then
  bash -c "$WORKER_COMMAND" &
else
  node --import tsx apps/worker/src/main.ts &
fi
worker=$!
trap 'kill -TERM "$worker" 2>/dev/null || true' TERM INT
status=0
wait "$worker" || status=$?
# A signal interrupts the first wait; wait again for the worker's own graceful exit.
if kill -0 "$worker" 2>/dev/null; then wait "$worker" || status=$?; fi
exit "$status"
