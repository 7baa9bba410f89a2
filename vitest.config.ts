import path from "node:path";
import { defineConfig } from "vitest/config";
import { TEST_WORKERS } from "./test/workers";

export default defineConfig({
  resolve: {
    alias: {
      "@": path.resolve(__dirname),
      // Next.js enforces this marker at build time; outside Next it is a no-op.
      "server-only": path.resolve(__dirname, "test/server-only-stub.ts"),
      // Route handlers served by test/app-server.ts read their request's headers through this (see the file).
      "next/headers": path.resolve(__dirname, "test/next-headers-shim.ts"),
    },
  },
  test: {
    include: ["**/*.test.ts"],
    exclude: ["node_modules/**", "e2e/**", ".data/**", ".next/**"],
    globalSetup: ["test/global-setup.ts"],
    setupFiles: ["test/worker-env.ts"],
    // Route tests act as clients behind a local proxy: test/app-server.ts then takes each one's X-Forwarded-For
    // (distinct sign-in budgets per test user), as scripts/serve.mjs does for TRUSTED_PROXIES.
    // Live chunks are decoded whatever the machine's load, so a test of anything but backpressure does not
    // change with how busy the cores are (test/live-backpressure.test.ts sets "auto" itself).
    env: { TRUSTED_PROXIES: "loopback", LIVE_DECODE: "always" },
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
    maxWorkers: TEST_WORKERS,
  },
});
