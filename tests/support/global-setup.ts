/**
 * One id per test run, so databases and Redis key prefixes of concurrent runs never collide.
 * Each test file derives its own database and prefix from it (see tests/support/env.ts).
 */
import { randomBytes } from 'node:crypto';

export default function setup() {
  process.env.KANAL_TEST_RUN ??= randomBytes(4).toString('hex');
}
