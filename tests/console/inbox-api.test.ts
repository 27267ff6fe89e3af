/**
 * The inbox API over real HTTP: a page of cases in the person's scope with filters from the query
 * string and `next` for the following page, rows without anything personal, counts for the side
 * bar, 401 without a session, 400 for a filter that is not one, and a petugas of the other dinas
 * seeing none of it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { openTestCase, seedIdentity, SYSTEM } from '../support/cases.js';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { ConsoleClient, createStaff, startConsoleApp, type TestStaff } from './support.js';

let env: TestEnv;
let app: App;
const cases = { older: '', newer: '', school: '' };
let verifikator: ConsoleClient;
let officer: TestStaff;

beforeAll(async () => {
  env = await createTestEnv();
  app = await startConsoleApp(env);
  const named = await seedIdentity(app, 'telegram', '9800001', { phone: '+6281300000001' });
  cases.older = await openTestCase(app, named, { reporterName: 'Budi Santoso', description: 'Bantuan sembako untuk Budi Santoso 3273011201900002 belum sampai.' });
  cases.newer = await openTestCase(app, await seedIdentity(app, 'web', 'inbox-api-2'), { description: 'Lampu jalan mati di gang kami.' });
  cases.school = await openTestCase(app, await seedIdentity(app, 'web', 'inbox-api-3'), { categoryCode: 'pendidikan', description: 'Pungutan seragam sekolah.' });
  verifikator = await new ConsoleClient(app.url!).loginAs(await createStaff(app, { role: 'verifikator', unitCode: 'verifikator' }));
  officer = await createStaff(app, { role: 'petugas', unitCode: 'linjamsos' });
});

afterAll(async () => {
  await app?.close();
  await env?.dispose();
});

describe('GET /api/v1/cases', () => {
  it('answers 401 without a session, and is described in the OpenAPI document', async () => {
    const anonymous = new ConsoleClient(app.url!);
    expect((await anonymous.get('/cases')).status).toBe(401);
    expect((await anonymous.get('/cases/counts')).status).toBe(401);
    const { paths } = (await anonymous.get('/openapi.json')).body;
    expect(paths['/api/v1/cases'].get.tags).toEqual(['inbox']);
    expect(paths['/api/v1/cases'].get.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['status', 'q', 'sla', 'after', 'assignee']));
    expect(paths['/api/v1/cases/counts'].get.tags).toEqual(['inbox']);
  });

  it('lists my dinas\'s cases newest first, a page at a time', async () => {
    const first = await verifikator.get('/cases?limit=1');
    expect(first.status).toBe(200);
    expect(first.body.cases.map((c: { ticket: string }) => c.ticket)).toEqual([cases.newer]);
    const second = await verifikator.get(`/cases?limit=1&after=${first.body.next}`);
    expect(second.body.cases.map((c: { ticket: string }) => c.ticket)).toEqual([cases.older]);
    expect(second.body.next).toBeNull();
  });

  it('carries nothing personal in a row', async () => {
    const { body } = await verifikator.get('/cases');
    const row = body.cases.find((c: { ticket: string }) => c.ticket === cases.older);
    expect(Object.keys(row).sort()).toEqual(
      ['anonymous', 'assigneeStaffId', 'categoryCode', 'channel', 'confidential', 'createdAt', 'dinasId', 'kind', 'sla', 'slaDueAt', 'status', 'ticket', 'unitId', 'updatedAt'].sort(),
    );
    expect(JSON.stringify(body)).not.toMatch(/Budi|Santoso|3273011201900002|6281300000001|9800001|sembako/);
    expect(row).toMatchObject({ status: 'baru', channel: 'telegram', categoryCode: 'bantuan-sosial', sla: null });
    expect(new Date(row.slaDueAt).getTime()).toBeGreaterThan(new Date(row.createdAt).getTime());
  });

  it('filters from the query string: status list, channel, search, assignee and unassigned', async () => {
    const tickets = async (query: string) => (await verifikator.get(`/cases?${query}`)).body.cases.map((c: { ticket: string }) => c.ticket);
    expect(await tickets('channel=web')).toEqual([cases.newer]);
    expect(await tickets('q=sembako')).toEqual([cases.older]);
    expect(await tickets(`q=${cases.older.slice(0, 4)}-${cases.older.slice(4)}`)).toEqual([cases.older]);
    await app.cases.transition(SYSTEM, cases.newer, 'ditolak', { note: 'Bukan wewenang dinas.' });
    expect(await tickets('status=baru')).toEqual([cases.older]);
    expect(await tickets('status=baru,ditolak')).toEqual([cases.newer, cases.older]);
    expect(await tickets('status=ditolak&status=baru')).toEqual([cases.newer, cases.older]);
    expect(await tickets('unassigned=true')).toEqual([cases.older]);
    await app.cases.assign(SYSTEM, cases.older, { staffId: officer.id });
    expect(await tickets('unassigned=true')).toEqual([]);
    expect(await tickets(`assignee=${officer.id}`)).toEqual([cases.older]);
    const mine = await new ConsoleClient(app.url!).loginAs(officer);
    expect((await mine.get('/cases?assignee=me')).body.cases.map((c: { ticket: string }) => c.ticket)).toEqual([cases.older]);
    expect(await tickets('assignee=me')).toEqual([]);
  });

  it('refuses a filter that is not one', async () => {
    for (const query of ['status=open', 'channel=fax', 'sla=late', 'after=abc', 'limit=1000', 'unitId=x']) {
      const answer = await verifikator.get(`/cases?${query}`);
      expect(answer.status, query).toBe(400);
    }
  });
});

describe('GET /api/v1/cases/counts', () => {
  it('counts each view within my scope and the narrowing filters', async () => {
    const { status, body } = await verifikator.get('/cases/counts');
    expect(status).toBe(200);
    expect(body).toMatchObject({ total: 2, dueSoon: 0, breached: 0, cap: 1000 });
    expect(body.status).toMatchObject({ baru: body.status.baru, ditolak: body.status.ditolak });
    expect(body.status.baru + body.status.ditolak).toBe(2);
    expect((await verifikator.get('/cases/counts?channel=web')).body.total).toBe(1);
    expect((await verifikator.get('/cases/counts?category=pendidikan')).body.total).toBe(0);
  });
});

describe('scope', () => {
  it('shows a petugas of the other dinas none of it', async () => {
    const other = await new ConsoleClient(app.url!).loginAs(await createStaff(app, { role: 'petugas', dinasCode: 'disdik-bandung', unitCode: 'sekretariat' }));
    const list = await other.get('/cases');
    expect(list.status).toBe(200);
    expect(list.body.cases.map((c: { ticket: string }) => c.ticket)).not.toContain(cases.older);
    expect(list.body.cases.map((c: { ticket: string }) => c.ticket)).not.toContain(cases.newer);
    expect((await other.get(`/cases?q=${cases.older}`)).body.cases).toEqual([]);
    expect((await other.get('/cases?q=sembako')).body.cases).toEqual([]);
    const counts = (await other.get('/cases/counts')).body;
    expect(counts.status.ditolak).toBe(0);
    expect(counts.mine).toBe(0);
    // Their own dinas's case, which routing gave to their unit, is theirs to see.
    const own = (await other.get('/cases?q=seragam')).body.cases.map((c: { ticket: string }) => c.ticket);
    expect(own).toEqual([cases.school]);
  });
});
