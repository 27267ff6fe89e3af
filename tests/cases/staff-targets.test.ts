/**
 * Notification targets: set from a terminal (`npm run staff:targets`) until the console has a
 * page for them, by dinas and unit codes, checked before anything is stored; and what a target
 * that cannot be used any more does to what it was still owed. The app runs the web role only
 * (no worker, no relay), so the test alone decides when a notification is delivered.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { openCase } from '../../src/cases/cases.js';
import { staffChannels } from '../../src/cases/staff-notifications/channels.js';
import { staffNotificationSink } from '../../src/cases/staff-notifications/sink.js';
import { addNotificationTarget } from '../../src/cases/staff-notifications/targets.js';
import { targetsCommand } from '../../src/cases/staff-notifications/targets-command.js';
import * as t from '../../src/db/schema.js';
import { deliverStaffNotification } from '../../src/queues/staff-notifications.js';
import { createTestEnv, startTestApp, testConfig, type TestEnv } from '../support/env.js';
import { startFakeSmtp, type FakeSmtp } from '../support/fake-smtp.js';

let env: TestEnv;
let app: App;
let smtp: FakeSmtp;
const run = (...argv: string[]) => targetsCommand(app.ctx.db.db, argv);

beforeAll(async () => {
  [env, smtp] = await Promise.all([createTestEnv(), startFakeSmtp()]);
  app = await startTestApp(env, { role: 'web' });
});

afterAll(async () => {
  await app?.close();
  await Promise.all([env?.dispose(), smtp?.close()]);
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

/** A new case at Dinas Sosial's verifikator unit, and its one e-mail notification to `address`, written but not sent. */
async function owedMail(address: string): Promise<{ notificationId: number; targetId: number }> {
  const db = app.ctx.db.db;
  const [dinas] = await db.select().from(t.dinas).where(eq(t.dinas.code, 'dinsos-bandung'));
  const [verifikator] = await db.select().from(t.units).where(eq(t.units.code, 'verifikator'));
  const target = await addNotificationTarget(db, { dinasId: dinas.id, unitId: verifikator.id, kind: 'email', address });
  const [identity] = await db.insert(t.channelIdentities).values({ channel: 'web', chatId: `owed-${address}` }).returning();
  const draft = { kind: 'pengaduan' as const, categoryCode: 'infrastruktur', description: 'Lampu jalan padam.', photos: [], anonymous: false, confidential: false };
  const { ticket } = await db.transaction((tx) => openCase({ ctx: { ...app.ctx, caseSinks: [] }, tx, now: app.ctx.now(), after: [] }, { identityId: identity.id, draft }));
  const [c] = await db.select().from(t.cases).where(eq(t.cases.ticket, ticket));
  expect(c.unitId).toBe(verifikator.id);
  const [created] = await db.select().from(t.caseEvents).where(eq(t.caseEvents.caseId, c.id));
  await db.transaction((tx) =>
    sink()(tx, {
      id: created.id, type: 'created', caseId: c.id, ticket, dinasId: c.dinasId, unitId: c.unitId, regionCode: c.regionCode, confidential: c.confidential, categoryCode: c.categoryCode,
      fromStatus: null, toStatus: 'baru', actor: 'citizen', public: false, note: null, slaDueAt: c.slaDueAt, at: c.createdAt, data: null,
    }),
  );
  const [row] = await db.select().from(t.staffNotifications).where(eq(t.staffNotifications.targetId, target.id));
  return { notificationId: row.id, targetId: target.id };
}

const rowOf = async (id: number) => (await app.ctx.db.db.select().from(t.staffNotifications).where(eq(t.staffNotifications.id, id)))[0];

it('what a target disabled since still owed is recorded as failed, not sent', async () => {
  const channels = staffChannels(testConfig({ SMTP_URL: smtp.url }));
  const { notificationId, targetId } = await owedMail('lama@dinsos.example.go.id');
  await run('disable', String(targetId));
  expect(await deliverStaffNotification(app.ctx, channels, notificationId)).toBe('failed');
  expect(await rowOf(notificationId)).toMatchObject({ status: 'failed', attempts: 1, lastError: 'target disabled' });
  expect(smtp.mailsTo('lama@dinsos.example.go.id')).toEqual([]);
  await run('enable', String(targetId));
});

it('a target whose channel this deployment has not configured fails with the reason', async () => {
  const { notificationId } = await owedMail('tanpa-smtp@dinsos.example.go.id');
  expect(await deliverStaffNotification(app.ctx, staffChannels(testConfig()), notificationId)).toBe('failed');
  expect(await rowOf(notificationId)).toMatchObject({ status: 'failed', lastError: 'email is not configured in this deployment' });
  // The same kind of notice goes out where e-mail is configured: only the missing channel stopped it.
  const { notificationId: next } = await owedMail('dengan-smtp@dinsos.example.go.id');
  expect(await deliverStaffNotification(app.ctx, staffChannels(testConfig({ SMTP_URL: smtp.url })), next)).toBe('sent');
  expect(smtp.mailsTo('dengan-smtp@dinsos.example.go.id')).toHaveLength(1);
});

/** The staff sink as the app registers it; the tests hand it events themselves, outside the lifecycle. */
function sink() {
  return staffNotificationSink({ enqueue: app.ctx.enqueue, publicUrl: 'http://localhost:3000', settings: app.ctx.caseSettings });
}
