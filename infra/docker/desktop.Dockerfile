# A desktop worker: Xvfb, openbox, a browser and a terminal, noVNC for a live view, and
# the worker that drives them. Holds the Anthropic key, never Slack credentials.
FROM node:20-bookworm
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      xvfb openbox xterm firefox-esr x11vnc novnc websockify xdotool x11-utils \
      libx11-6 libxtst6 libxext6 fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
COPY apps/bot/package.json apps/bot/
COPY apps/worker/package.json apps/worker/
COPY libs libs
RUN npm ci --omit=dev --no-audit --no-fund
COPY apps apps
COPY infra infra
COPY tsconfig.base.json tsconfig.json ./
ENV DISPLAY=:99 SCREEN_SIZE=1920x1080
EXPOSE 6080 9102
CMD ["infra/desktop/start-desktop.sh"]
