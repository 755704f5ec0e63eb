// The images' HEALTHCHECK: exits 0 when http://127.0.0.1:<port>/healthz answers 200 within
// 3 s, else 1 with the reason (node:*-slim images have no curl). The port comes from the
// environment variable named first, or the default given second:
//   node infra/docker/healthcheck.mjs BOT_HEALTH_PORT 9101
const [variable = "", fallback = ""] = process.argv.slice(2);
const port = process.env[variable] || fallback;
try {
  const response = await fetch(`http://127.0.0.1:${port}/healthz`, {
    signal: AbortSignal.timeout(3_000),
  });
  if (!response.ok) {
    console.error(`unhealthy: ${response.status} ${await response.text()}`);
    process.exit(1);
  }
} catch (err) {
  console.error(`unhealthy: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
