/**
 * The test clock: the product's `now` in tests, never the wall clock. It starts at an instant the
 * test chooses, or `KANAL_TEST_CLOCK` (an ISO instant, so a whole run can be put at 23:59:59.5 WIB
 * on a Friday: see scripts/clock-runs.sh), or a plain working morning; from there it moves with
 * real time, so idle limits, relays and timeouts behave as they do in production.
 *
 * Whatever stands in for the outside world (platform timestamps in webhooks, say) reads the same
 * clock, so "now" is one instant for the product and for the test.
 *
 * @example
 *   const clock = testClock('2026-12-04T16:59:59.500Z');
 *   const app = await startTestApp(env, { now: clock.now });
 *   const opened = await caseStep(app, ticket, 'baru'); // tests/support/case-dates.ts
 *   expect(opened.at.getTime()).toBeGreaterThanOrEqual(clock.start.getTime());
 */
import { z } from 'zod';

/** Tuesday 1 December 2026, 09:00 WIB: a working day, within the demo dinas's staff hours. */
export const DEFAULT_TEST_INSTANT = '2026-12-01T02:00:00.000Z';

export interface TestClock {
  /** The instant the clock was started at. */
  readonly start: Date;
  now(): Date;
  /** Moves the clock on by `ms` at once (a session's expiry, a lock's end), then on with real time. */
  advance(ms: number): void;
}

const instant = z.iso.datetime({ offset: true });

/** The instant a run starts at: `KANAL_TEST_CLOCK` when set (and valid), else the default. */
export function configuredInstant(env: NodeJS.ProcessEnv = process.env): string {
  const value = env.KANAL_TEST_CLOCK?.trim();
  if (!value) return DEFAULT_TEST_INSTANT;
  const parsed = instant.safeParse(value);
  if (!parsed.success) throw new Error(`KANAL_TEST_CLOCK must be an ISO instant such as 2026-12-04T16:59:59.500Z, not ${JSON.stringify(value)}`);
  return parsed.data;
}

/** A clock at `start` that moves on with real (monotonic) time. */
export function testClock(start: string | Date = configuredInstant()): TestClock {
  const at = new Date(start);
  const origin = performance.now();
  let skipped = 0;
  return {
    start: at,
    now: () => new Date(at.getTime() + skipped + Math.floor(performance.now() - origin)),
    advance: (ms) => void (skipped += ms),
  };
}

/** The clock of this test file: what `startTestApp` gives the product unless the test passes its own. */
export const fileClock: TestClock = testClock();
