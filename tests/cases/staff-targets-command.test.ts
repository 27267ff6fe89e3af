/**
 * Setting notification targets from a terminal (`npm run staff:targets`) until the console has a
 * page for it: by dinas and unit codes, checked before anything is stored.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { targetsCommand } from '../../src/cases/staff-notifications/targets-command.js';
import { createTestEnv, startTestApp, type TestEnv } from '../support/env.js';

let env: TestEnv;
let app: App;
const run = (...argv: string[]) => targetsCommand(app.ctx.db.db, argv);

beforeAll(async () => {
  env = await createTestEnv();
  app = await startTestApp(env, { role: 'web' });
});

afterAll(async () => {
  await app?.close();
  await env?.dispose();
});

it('adds unit and dinas-wide targets by code, lists them, disables and enables one', async () => {
  expect(await run('list')).toBe('no notification targets');
  expect(await run('add', '--dinas', 'dinsos-bandung', '--unit', 'dayasos', '--kind', 'telegram', '--address=-1001234567890')).toBe(
    'added #1: telegram -1001234567890, unit, created,forwarded,reminder,citizen-info,reopened',
  );
  expect(await run('add', '--dinas', 'dinsos-bandung', '--kind', 'email', '--address', 'kadis@dinsos.example.go.id', '--audience', 'supervisor')).toBe(
    'added #2: email kadis@dinsos.example.go.id, supervisor, escalation',
  );
  expect(await run('add', '--dinas', 'dinsos-bandung', '--unit', 'rehsos', '--kind', 'whatsapp-cloud', '--address', '+62 812-0000-0002', '--events', 'created, escalation')).toBe(
    'added #3: whatsapp-cloud 6281200000002, unit, created,escalation',
  );
  expect(await run('disable', '3')).toBe('disabled #3');
  expect((await run('list')).split('\n')).toEqual([
    '#1  dinsos-bandung/dayasos  telegram  -1001234567890  unit  created,forwarded,reminder,citizen-info,reopened',
    '#2  dinsos-bandung (whole dinas)  email  kadis@dinsos.example.go.id  supervisor  escalation',
    '#3  dinsos-bandung/rehsos  whatsapp-cloud  6281200000002  unit  created,escalation  (disabled)',
  ]);
  expect(await run('enable', '3')).toBe('enabled #3');
});

it.each([
  [['add', '--dinas', 'dinsos-jakarta', '--kind', 'email', '--address', 'a@example.go.id'], 'no dinas with code "dinsos-jakarta"'],
  [['add', '--dinas', 'dinsos-bandung', '--unit', 'pembinaan-sd', '--kind', 'email', '--address', 'a@example.go.id'], 'dinas "dinsos-bandung" has no unit "pembinaan-sd"'],
  [['add', '--dinas', 'dinsos-bandung', '--kind', 'email', '--address', 'not-an-address'], 'address'],
  [['add', '--dinas', 'dinsos-bandung', '--kind', 'sms', '--address', '628120000'], 'kind'],
  [['add', '--dinas', 'dinsos-bandung', '--kind', 'email', '--address', 'a@example.go.id', '--events', 'created,closed'], 'eventTypes'],
  [['add', '--dinas', 'dinsos-bandung', '--colour', 'red'], "Unknown option '--colour'"],
  [['disable', '999'], 'no notification target #999'],
  [['remove', '1'], 'usage: npm run staff:targets'],
])('refuses %j', async (argv, reason) => {
  await expect(run(...argv)).rejects.toThrow(reason);
});
