# The bot: the only image with Slack credentials at run time. Only the bot's workspace and
# the libs it depends on are installed and copied (npm workspaces): no model SDK, no
# nut-js, no sharp. infra/docker/images.test.ts checks the lists below against package.json.
FROM node:20.20-bookworm-slim AS dependencies
WORKDIR /app
COPY package.json package-lock.json ./
COPY apps/bot/package.json apps/bot/
COPY libs/approvals/package.json libs/approvals/
COPY libs/audit/package.json libs/audit/
COPY libs/contracts/package.json libs/contracts/
COPY libs/core/package.json libs/core/
COPY libs/effects/package.json libs/effects/
COPY libs/metrics/package.json libs/metrics/
COPY libs/policy/package.json libs/policy/
COPY libs/queue/package.json libs/queue/
COPY libs/queue-view/package.json libs/queue-view/
COPY libs/redis/package.json libs/redis/
RUN npm ci --omit=dev --workspace @deskgate/bot --no-audit --no-fund

FROM node:20.20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=dependencies /app/node_modules node_modules
COPY package.json ./
COPY apps/bot apps/bot
COPY libs/approvals libs/approvals
COPY libs/audit libs/audit
COPY libs/contracts libs/contracts
COPY libs/core libs/core
COPY libs/effects libs/effects
COPY libs/metrics libs/metrics
COPY libs/policy libs/policy
COPY libs/queue libs/queue
COPY libs/queue-view libs/queue-view
COPY libs/redis libs/redis
COPY infra/docker/healthcheck.mjs infra/docker/
COPY infra/policy infra/policy
USER node
EXPOSE 3000 9101
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "infra/docker/healthcheck.mjs", "BOT_HEALTH_PORT", "9101"]
CMD ["node", "--import", "tsx", "apps/bot/src/main.ts"]
