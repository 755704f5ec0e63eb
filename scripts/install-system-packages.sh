#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages deskgate needs and the machine lacks: Redis and Redis
# Sentinel, an X server (Xvfb) with the libraries nut-js links, xdotool/xterm for the
# desktop and its tests, x11vnc + noVNC for the live view, and docker-compose to validate
# the compose file. Run as root (or with sudo).
set -euo pipefail

need=()
command -v redis-server >/dev/null || need+=(redis-server)
# Redis Sentinel, for the failover tests (a separate package since Debian 10).
command -v redis-sentinel >/dev/null || need+=(redis-sentinel)
command -v Xvfb >/dev/null || need+=(xvfb)
command -v xdotool >/dev/null || need+=(xdotool)
command -v xterm >/dev/null || need+=(xterm)
command -v xdpyinfo >/dev/null || need+=(x11-utils)
command -v openbox >/dev/null || need+=(openbox)
command -v scrot >/dev/null || need+=(scrot)
command -v x11vnc >/dev/null || need+=(x11vnc)
command -v websockify >/dev/null || need+=(websockify)
[ -e /usr/share/novnc/vnc.html ] || need+=(novnc)
[ -e /usr/bin/convert-im6.q16 ] || need+=(imagemagick)
docker compose version >/dev/null 2>&1 || command -v docker-compose >/dev/null || need+=(docker-compose)
for lib in libX11.so.6 libXtst.so.6 libXext.so.6; do
  ldconfig -p | grep -q "$lib" || { need+=(libx11-6 libxtst6 libxext6); break; }
done
fc-list 2>/dev/null | grep -qi dejavu || need+=(fonts-dejavu-core)

if [ "${#need[@]}" -eq 0 ]; then
  echo "system packages: all present"
  exit 0
fi
echo "installing: ${need[*]}"
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
