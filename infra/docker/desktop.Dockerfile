# A desktop worker: Xvfb, openbox, a browser and a terminal, noVNC for a live view, and
# the worker that drives them. Holds the Anthropic key, never Slack credentials. Only the
# worker's workspace and its libs are installed (npm workspaces); infra/docker/images.test.ts
# checks the lists below against package.json.
FROM node:20.20-bookworm-slim AS dependencies
WORKDIR /app
COPY package.json package-lock.json ./
COPY apps/worker/package.json apps/worker/
COPY libs/agent/package.json libs/agent/
COPY libs/approvals/package.json libs/approvals/
COPY libs/audit/package.json libs/audit/
COPY libs/contracts/package.json libs/contracts/
COPY libs/core/package.json libs/core/
COPY libs/desktop/package.json libs/desktop/
COPY libs/effects/package.json libs/effects/
COPY libs/metrics/package.json libs/metrics/
COPY libs/policy/package.json libs/policy/
COPY libs/queue/package.json libs/queue/
COPY libs/redis/package.json libs/redis/
RUN npm ci --omit=dev --workspace @deskgate/worker --no-audit --no-fund

FROM node:20.20-bookworm-slim
# One Node: the base image's. Debian's novnc package depends on nodejs (18) though its web
# client is static files, so its files are unpacked from the .deb instead of installed;
# websockify (Python) serves them.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      xvfb openbox xterm firefox-esr x11vnc websockify xdotool x11-utils \
      libx11-6 libxtst6 libxext6 fonts-dejavu-core ca-certificates \
 && cd /tmp && apt-get download novnc \
 && dpkg-deb -x novnc_*.deb /tmp/novnc && mv /tmp/novnc/usr/share/novnc /usr/share/novnc \
 && rm -rf /tmp/novnc /tmp/novnc_*.deb /var/lib/apt/lists/* \
 && mkdir -p /tmp/.X11-unix && chmod 1777 /tmp/.X11-unix
ENV NODE_ENV=production LANG=C.UTF-8 DISPLAY=:99 SCREEN_SIZE=1920x1080
WORKDIR /app
COPY --from=dependencies /app/node_modules node_modules
COPY package.json ./
COPY apps/worker apps/worker
COPY libs/agent libs/agent
COPY libs/approvals libs/approvals
COPY libs/audit libs/audit
COPY libs/contracts libs/contracts
COPY libs/core libs/core
COPY libs/desktop libs/desktop
COPY libs/effects libs/effects
COPY libs/metrics libs/metrics
COPY libs/policy libs/policy
COPY libs/queue libs/queue
COPY libs/redis libs/redis
COPY infra/desktop infra/desktop
COPY infra/docker/healthcheck.mjs infra/docker/
COPY infra/policy infra/policy
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 6080 9102
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "infra/docker/healthcheck.mjs", "WORKER_HEALTH_PORT", "9102"]
CMD ["infra/desktop/start-desktop.sh"]
