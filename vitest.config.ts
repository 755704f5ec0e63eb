import { defineConfig } from "vitest/config";

// Every suite that needs Redis or an X display starts its own (libs/test-support), so
// files can run side by side without sharing state; two forks match the 2-core machines.
export default defineConfig({
  test: {
    include: [
      "apps/*/src/**/*.test.ts",
      "libs/*/src/**/*.test.ts",
      "scripts/**/*.test.ts",
      "infra/**/*.test.ts",
      "bench/**/*.test.ts",
      "e2e/**/*.test.ts",
    ],
    pool: "forks",
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
