#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages deskgate needs and the machine lacks: Redis and Redis
# Sentinel, an X server (Xvfb) with the libraries nut-js links, xdotool/xterm for the
# desktop and its tests (and tk for a form that reacts to Return, vim for the benchmark's
# editor), x11vnc + noVNC for the live view, Chromium for the demo's browser test, and
# docker-compose to validate the compose file. Run it as root, or as a user who may sudo: it calls sudo itself only when it
# is not root (a root machine often has no sudo).
set -euo pipefail

# Checks read files or whole command output, never `producer | grep -q`: under pipefail,
# grep -q exits at its first match and the producer then dies of SIGPIPE, which makes the
# pipeline fail at random (and the package be installed again).
has_file() { [ -e "$1" ]; }
ldconfig_bin="$(command -v ldconfig || echo /sbin/ldconfig)"
libraries="$("$ldconfig_bin" -p 2>/dev/null || true)"

need=()
command -v redis-server >/dev/null || need+=(redis-server)
# Redis Sentinel, for the failover tests (a separate package since Debian 10).
command -v redis-sentinel >/dev/null || need+=(redis-sentinel)
command -v Xvfb >/dev/null || need+=(xvfb)
command -v xdotool >/dev/null || need+=(xdotool)
command -v xterm >/dev/null || need+=(xterm)
# A Tk form: the tests' application that reacts to Return (a terminal takes any newline).
command -v wish >/dev/null || need+=(tk)
# vim: the editor the decisions-per-task benchmark edits a file with.
command -v vim >/dev/null || need+=(vim)
command -v xdpyinfo >/dev/null || need+=(x11-utils)
command -v openbox >/dev/null || need+=(openbox)
command -v scrot >/dev/null || need+=(scrot)
command -v x11vnc >/dev/null || need+=(x11vnc)
command -v websockify >/dev/null || need+=(websockify)
command -v chromium >/dev/null || need+=(chromium)
has_file /usr/share/novnc/vnc.html || need+=(novnc)
has_file /usr/bin/convert-im6.q16 || need+=(imagemagick)
has_file /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf || need+=(fonts-dejavu-core)
docker compose version >/dev/null 2>&1 || command -v docker-compose >/dev/null || need+=(docker-compose)
for lib in libX11.so.6 libXtst.so.6 libXext.so.6; do
  [[ "$libraries" == *"$lib "* ]] || { need+=(libx11-6 libxtst6 libxext6); break; }
done

if [ "${#need[@]}" -eq 0 ]; then
  echo "system packages: all present"
  exit 0
fi
echo "installing: ${need[*]}"
as_root=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || {
    echo "not root and no sudo: run this script as root" >&2
    exit 1
  }
  as_root=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
echo "system packages: installed ${need[*]}"
