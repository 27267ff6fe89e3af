/**
 * `/api/v1/broadcasts` over real HTTP: who may write, send and approve (a second person, never
 * the author), a dinas's staff seeing only their dinas's broadcasts, the audience and preview,
 * send, pause, resume, cancel, progress and per-recipient states, each change an audit row, and
 * the whole API described in OpenAPI.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { eventually } from '../support/cases.js';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { seedSubscriber } from '../broadcasts/support.js';
import { ConsoleClient, createStaff, startConsoleApp, type TestStaff } from './support.js';

let env: TestEnv;
let app: App;
let author: TestStaff;
let chief: TestStaff;
let asAuthor: ConsoleClient;
let asChief: ConsoleClient;

const REGION = '9801';

beforeAll(async () => {
  env = await createTestEnv();
  app = await startConsoleApp(env, { config: { BROADCAST_APPROVAL_ABOVE: '2', BROADCAST_TICK_MS: '100' } });
  author = await createStaff(app, { role: 'verifikator' });
  chief = await createStaff(app, { role: 'pimpinan' });
  asAuthor = await new ConsoleClient(app.url!).loginAs(author);
  asChief = await new ConsoleClient(app.url!).loginAs(chief);
  for (const n of [1, 2, 3]) await seedSubscriber(app, { channel: 'web', chatId: `api-subscriber-${n}`, region: REGION, name: n === 1 ? 'Siti' : null });
});

afterAll(async () => {
  await app?.close();
  await env?.dispose();
});

const draft = (over: object = {}) => ({
  title: 'Pendaftaran PKH',
  text: { id: 'Halo {nama}, pendaftaran PKH dibuka sampai 31 Desember.', en: '' },
  segment: { regionPrefix: REGION },
  ...over,
});

async function auditActions(broadcastId: number) {
  const rows = await app.ctx.db.sql<{ action: string }[]>`select action from audit_log where details->>'broadcastId' = ${String(broadcastId)} order by id`;
  return rows.map((r) => r.action);
}

describe('broadcasts API', () => {
  it('is described in OpenAPI and closed to staff without the right', async () => {
    const openapi = await new ConsoleClient(app.url!).get('/openapi.json');
    for (const path of ['/api/v1/broadcasts', '/api/v1/broadcasts/{id}/audience', '/api/v1/broadcasts/{id}/approve', '/api/v1/broadcasts/{id}/recipients']) {
      expect(Object.keys(openapi.body.paths)).toContain(path);
    }
    expect((await new ConsoleClient(app.url!).get('/broadcasts')).status).toBe(401);
    const asPetugas = await new ConsoleClient(app.url!).loginAs(await createStaff(app, { role: 'petugas' }));
    expect((await asPetugas.get('/broadcasts')).status).toBe(403);
    expect((await asChief.post('/broadcasts', draft())).status).toBe(403);
  });

  it('writes a draft, refuses unknown variables and topics, and shows the audience with a preview', async () => {
    expect((await asAuthor.post('/broadcasts', draft({ text: { id: 'Halo {nik}', en: '' } }))).status).toBe(400);
    expect((await asAuthor.post('/broadcasts', draft({ segment: { topics: ['tidak-ada'] } }))).status).toBe(400);
    expect((await asAuthor.post('/broadcasts', draft({ segment: { channels: ['whatsapp-web'] } }))).status).toBe(400);

    const created = await asAuthor.post('/broadcasts', draft());
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ state: 'draft', title: 'Pendaftaran PKH', authorStaffId: author.id });
    const edited = await asAuthor.patch(`/broadcasts/${created.body.id}`, { title: 'Pendaftaran PKH 2027' });
    expect(edited.body.title).toBe('Pendaftaran PKH 2027');

    const audience = await asAuthor.get(`/broadcasts/${created.body.id}/audience`);
    expect(audience.status).toBe(200);
    expect(audience.body).toMatchObject({ total: 3, byChannel: [{ channel: 'web', count: 3 }], needsApproval: true, approvalAbove: 2 });
    expect(audience.body.preview).toEqual({
      id: 'Halo Bapak/Ibu, pendaftaran PKH dibuka sampai 31 Desember.',
      en: 'Halo Bapak/Ibu, pendaftaran PKH dibuka sampai 31 Desember.',
      imageUrl: null,
    });
  });

  it('sends only after a second person approved, reports progress and each recipient, and audits every step', async () => {
    const { body: created } = await asAuthor.post('/broadcasts', draft());
    const sent = await asAuthor.post(`/broadcasts/${created.id}/send`, {});
    expect(sent.body).toMatchObject({ state: 'awaiting_approval', audience: 3 });
    // The author has no right to approve, and an admin who wrote it may not approve their own.
    expect((await asAuthor.post(`/broadcasts/${created.id}/approve`)).status).toBe(403);
    expect((await asAuthor.patch(`/broadcasts/${created.id}`, { title: 'x' })).status).toBe(409);

    const approved = await asChief.post(`/broadcasts/${created.id}/approve`);
    expect(approved.status).toBe(200);
    expect(approved.body.approvedByStaffId).toBe(chief.id);
    await eventually('done', async () => (await asAuthor.get(`/broadcasts/${created.id}`)).body.state === 'done');

    const detail = await asAuthor.get(`/broadcasts/${created.id}`);
    expect(detail.body.progress).toMatchObject({ planned: 3, sent: 3, queued: 0, failed: 0 });
    const recipients = await asAuthor.get(`/broadcasts/${created.id}/recipients?state=sent`);
    expect(recipients.body.recipients).toHaveLength(3);
    expect(Object.keys(recipients.body.recipients[0]).sort()).toEqual(['at', 'channel', 'id', 'identityId', 'reason', 'state']);
    const texts = await app.ctx.db.sql<{ text: string }[]>`select payload->>'text' as text from outbox where broadcast_id = ${created.id} order by id`;
    expect(texts.map((r) => r.text)).toContain('Halo Siti, pendaftaran PKH dibuka sampai 31 Desember.');
    expect(await auditActions(created.id)).toEqual(['broadcast.create', 'broadcast.send', 'broadcast.approve']);
  });

  it('an admin who wrote a broadcast cannot approve it themselves', async () => {
    const admin = await createStaff(app, { role: 'admin', dinasCode: 'dinsos-bandung' });
    const asAdmin = await new ConsoleClient(app.url!).loginAs(admin);
    const { body: created } = await asAdmin.post('/broadcasts', draft());
    await asAdmin.post(`/broadcasts/${created.id}/send`, {});
    const own = await asAdmin.post(`/broadcasts/${created.id}/approve`);
    expect(own.status).toBe(403);
    expect((await asAdmin.post(`/broadcasts/${created.id}/cancel`)).body.state).toBe('cancelled');
  });

  it('schedules, pauses, resumes and cancels', async () => {
    const { body: created } = await asAuthor.post('/broadcasts', draft({ segment: { regionPrefix: REGION, channels: ['web'] } }));
    const at = new Date(app.ctx.now().getTime() + 3_600_000).toISOString();
    // Three is above the approval size: approved, it waits for its time.
    await asAuthor.post(`/broadcasts/${created.id}/send`, { at });
    const scheduled = await asChief.post(`/broadcasts/${created.id}/approve`);
    expect(scheduled.body).toMatchObject({ state: 'scheduled', scheduledAt: new Date(at).toISOString() });
    expect((await asAuthor.post(`/broadcasts/${created.id}/pause`)).body.state).toBe('paused');
    expect((await asAuthor.post(`/broadcasts/${created.id}/pause`)).status).toBe(409);
    expect((await asAuthor.post(`/broadcasts/${created.id}/resume`)).body.state).toBe('scheduled');
    const cancelled = await asAuthor.post(`/broadcasts/${created.id}/cancel`);
    expect(cancelled.body.state).toBe('cancelled');
    expect((await asAuthor.post(`/broadcasts/${created.id}/resume`)).status).toBe(409);
    expect(await auditActions(created.id)).toEqual(['broadcast.create', 'broadcast.send', 'broadcast.approve', 'broadcast.pause', 'broadcast.resume', 'broadcast.cancel']);
  });

  it("keeps a dinas's broadcasts to its own staff", async () => {
    const { body: created } = await asAuthor.post('/broadcasts', draft());
    const disdik = await new ConsoleClient(app.url!).loginAs(await createStaff(app, { role: 'verifikator', dinasCode: 'disdik-bandung' }));
    expect((await disdik.get(`/broadcasts/${created.id}`)).status).toBe(404);
    expect((await disdik.post(`/broadcasts/${created.id}/send`, {})).status).toBe(404);
    expect((await disdik.get('/broadcasts')).body.broadcasts.map((b: { id: number }) => b.id)).not.toContain(created.id);
    expect((await asAuthor.get('/broadcasts')).body.broadcasts.map((b: { id: number }) => b.id)).toContain(created.id);
    // Staff of every dinas name the dinas; a dinas's staff cannot send as another.
    const central = await new ConsoleClient(app.url!).loginAs(await createStaff(app, { role: 'admin' }));
    expect((await central.post('/broadcasts', draft())).status).toBe(400);
    expect((await asAuthor.post('/broadcasts', draft({ dinasId: 999 }))).status).toBe(403);
  });
});
