# The bot: the only image with Slack credentials at run time.
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
COPY apps/bot/package.json apps/bot/
COPY apps/worker/package.json apps/worker/
COPY libs libs
RUN npm ci --omit=dev --no-audit --no-fund --ignore-scripts=false
COPY apps apps
COPY infra infra
COPY tsconfig.base.json tsconfig.json ./
USER node
EXPOSE 3000 9101
CMD ["node", "--import", "tsx", "apps/bot/src/main.ts"]
