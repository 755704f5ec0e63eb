#!/usr/bin/env bash
# Starts a desktop for the worker — Xvfb, a light window manager, optionally a noVNC live
# view — and then the worker itself. The same script runs in the desktop container and on
# a plain VM (and in the end-to-end test). Stopping it (SIGTERM/SIGINT) stops the worker
# first, then everything it started.
#
#   DISPLAY=:99               the X display to create (or reuse, when one already answers)
#   SCREEN_SIZE=1920x1080     Xvfb's screen
#   WINDOW_MANAGER=openbox    or "none"; openbox runs with infra/desktop/openbox/rc.xml,
#                             where Ctrl+Alt+T opens TERMINAL_COMMAND (default xterm)
#   DESKTOP_NOTES=…           what the model is told about this desktop (a default below)
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

# .env.example's placeholder would put the live view of this desktop behind a known password.
if [ "${VNC_PASSWORD:-}" = "change-me" ]; then
  printf '{"level":"error","name":"desktop","msg":"%s"}\n' \
    "VNC_PASSWORD: still the placeholder from .env.example; set your own" >&2
  exit 2
fi

private_dir="$(mktemp -d "${TMPDIR:-/tmp}/deskgate-desktop.XXXXXX")"

cleanup() {
  for pid in "${children[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$private_dir"
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

window_manager="${WINDOW_MANAGER:-openbox}"
if [ "$window_manager" = "openbox" ] && command -v openbox >/dev/null; then
  # --startup runs once openbox has read its config and grabbed its keys: a key pressed
  # before then goes nowhere, so the worker starts only after it.
  openbox --config-file "$repo/infra/desktop/openbox/rc.xml" \
    --startup "touch $private_dir/openbox-ready" >/dev/null 2>&1 &
  children+=("$!")
  for _ in $(seq 1 300); do [ -e "$private_dir/openbox-ready" ] && break; sleep 0.05; done
  [ -e "$private_dir/openbox-ready" ] || log "openbox did not report ready; going on"
  log "started openbox (Ctrl+Alt+T opens a terminal)"
  browser=""
  for candidate in firefox-esr firefox chromium; do
    command -v "$candidate" >/dev/null && { browser="$candidate"; break; }
  done
  export DESKTOP_NOTES="${DESKTOP_NOTES:-Ctrl+Alt+T opens a terminal.${browser:+ The web browser is $browser; start it from the terminal.}}"
elif [ "$window_manager" != "none" ] && command -v "$window_manager" >/dev/null; then
  "$window_manager" >/dev/null 2>&1 &
  children+=("$!")
fi

if [ -n "${VNC_PASSWORD:-}" ]; then
  if command -v x11vnc >/dev/null && command -v websockify >/dev/null; then
    x11vnc -storepasswd "$VNC_PASSWORD" "$private_dir/vnc.pass" >/dev/null 2>&1
    # Only websockify (on this machine) reaches the VNC port; viewers come through noVNC.
    x11vnc -display "$DISPLAY" -rfbauth "$private_dir/vnc.pass" -forever -shared -quiet \
      -localhost -rfbport "${VNC_PORT:-5900}" >/dev/null 2>&1 &
    children+=("$!")
    websockify --web /usr/share/novnc "${NOVNC_PORT:-6080}" "127.0.0.1:${VNC_PORT:-5900}" >/dev/null 2>&1 &
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
