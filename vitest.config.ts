import { defineConfig } from 'vitest/config';

// Three projects (STYLE.md, "Tooling"): unit tests touch no network; integration tests use one real
// thing each (Redis, PostgreSQL, the simulated Kubernetes API, the local Slack stand-in); e2e tests
// drive a signed slash command through the bot, the queue and a worker.
export default defineConfig({
  test: {
    reporters: ['default', './test/helpers/summary-reporter.ts'],
    coverage: { provider: 'v8', include: ['src/**'] },
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/helpers/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/helpers/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
