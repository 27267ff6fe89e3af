import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores: integration files each own a database and workers, so keep parallelism modest.
    maxWorkers: 2,
    // expect.poll waits on what a page or a worker does next; its 1 s default lost a browser test
    // on a loaded machine (a case's new status on the page, 31 December run). A wrong value still
    // fails, only later.
    expect: { poll: { timeout: 15_000, interval: 50 } },
  },
});
