/**
 * *hapus data saya* end to end: a citizen reports with their name (from a shared contact), NIK,
 * phone, an address with a location pin and a photo, on a chat whose dinas has a webhook and a
 * staff notification target, with a second chat of theirs (the WhatsApp number status news go
 * to) and a set-aside copy of one of their messages. Before the erasure a dump of every row of
 * every table holds all of it; after, none of it, the photo files are gone from media storage,
 * and *cek status* from the chat finds nothing.
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { id } from '../../flows/copy/id.js';
import { addNotificationTarget } from '../../src/cases/staff-notifications/targets.js';
import type { CitizenEvent } from '../../src/conversation/contract.js';
import * as t from '../../src/db/schema.js';
import { ERASED_DESCRIPTION } from '../../src/privacy/erase.js';
import { Chat, World, photo, useRuntime } from '../flows/driver.js';

useRuntime();

const NAME = 'Ratna Kusumawardhani';
const DISPLAY_NAME = 'Ratna Kusuma W';
const NIK = '3273014101900777';
const PHONE = '+6281298765432';
const ADDRESS = 'Gang Cempaka Wangi Nomor 17, RT 04 RW 02';
const DESCRIPTION = `Saya ${NAME} di ${ADDRESS}, bantuan PKH belum cair sejak tiga bulan lalu.`;

/** Every row of every table of the database, as text: what a dump of it would hold. */
async function dump(world: World): Promise<string> {
  const { sql } = world.app.ctx.db;
  const tables = await sql<{ schema: string; name: string }[]>`
    select table_schema as schema, table_name as name from information_schema.tables
    where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')`;
  expect(tables.length).toBeGreaterThan(20);
  const parts: string[] = [];
  for (const table of tables) {
    const rows = await sql.unsafe<{ row: string }[]>(`select r::text as row from "${table.schema}"."${table.name}" r`);
    parts.push(...rows.map((r) => r.row));
  }
  return parts.join('\n').toLowerCase();
}

describe('hapus data saya', () => {
  it('leaves nothing of the person in the database or media storage, and the chat finds no case', { timeout: 120_000 }, async () => {
    const world = new World();
    const { app } = world;
    const { db } = app.ctx.db;
    const chat = new Chat(world);
    const [dinsos] = await db.select().from(t.dinas).where(eq(t.dinas.code, 'dinsos-bandung'));
    await db.insert(t.webhookEndpoints).values({ dinasId: dinsos.id, url: 'http://127.0.0.1:9/dinsos', secret: 'erase-test-secret-0123456789abcdef' });
    await addNotificationTarget(db, { dinasId: dinsos.id, kind: 'email', address: 'verifikator@dinsos.test', eventTypes: ['created'] });

    await chat.send('halo');
    const identityId = await world.identityOf(chat.citizen);
    await db.update(t.channelIdentities).set({ phone: PHONE, displayName: DISPLAY_NAME }).where(eq(t.channelIdentities.id, identityId));
    const pinned: CitizenEvent = { type: 'citizen.location', latitude: -6.9175, longitude: 107.6191, address: ADDRESS };
    const contact: CitizenEvent = { type: 'citizen.contact', phone: PHONE, name: NAME };
    await chat.say('1', '1', '1', DESCRIPTION, pinned, photo('web:photo:erase-test'), 'selesai', '1', contact, NIK, '1');
    const [opened] = await world.cases(chat.citizen);
    expect(opened).toMatchObject({ reporterName: NAME, location: { address: ADDRESS } });

    // The photo as the fetch job leaves it: stored, with its files in media storage.
    const keys = { full: `photos/erase-test/${identityId}.jpg`, thumb: `photos/erase-test/${identityId}.thumb.webp` };
    await app.mediaStorage.put(keys.full, Buffer.from('photo-bytes'), 'image/jpeg');
    await app.mediaStorage.put(keys.thumb, Buffer.from('thumb-bytes'), 'image/webp');
    await db.update(t.media).set({ status: 'stored', storageKey: keys.full, thumbnailKey: keys.thumb, sha256: 'f'.repeat(64) }).where(eq(t.media.identityId, identityId));
    // Their WhatsApp number, which status news went to (with their name), and a message set aside.
    const citizen = (await world.citizen(chat.citizen))!;
    const [twin] = await db
      .insert(t.channelIdentities)
      .values({ channel: 'whatsapp-cloud', chatId: PHONE.slice(1), phone: PHONE, citizenId: citizen.id, displayName: DISPLAY_NAME })
      .returning();
    await db.insert(t.outbox).values({ identityId: twin.id, channel: 'whatsapp-cloud', caseId: opened.id, payload: { kind: 'text', chatId: PHONE.slice(1), text: `Halo ${NAME}, laporan Anda diproses.` } });
    await db.insert(t.setAsideUpdates).values({ channel: 'web', stage: 'step', chatId: world.chatId(chat.citizen), externalId: 'erase-test', raw: JSON.stringify({ body: DESCRIPTION }), error: 'test', attempts: 5 });

    const needles = [
      ...NAME.toLowerCase().split(' '),
      DISPLAY_NAME.toLowerCase(),
      NIK,
      '3273••••••••0777',
      citizen.nikEncrypted!.toLowerCase(),
      citizen.nikHash!.toLowerCase(),
      PHONE.slice(3),
      'cempaka',
      'web:photo:erase-test',
    ];
    const before = await dump(world);
    // NIK digits are sealed at once: only their ciphertext, hash and masked form are ever stored.
    for (const needle of needles.filter((n) => n !== NIK)) expect(before, needle).toContain(needle);

    await chat.send('hapus data saya');
    expect(await chat.send('ya')).toEqual([id.privacy.erase.done]);

    const after = await dump(world);
    for (const needle of needles) expect(after, needle).not.toContain(needle);
    expect(after).toContain(ERASED_DESCRIPTION.toLowerCase());
    expect(await app.mediaStorage.get(keys.full)).toBeNull();
    expect(await app.mediaStorage.get(keys.thumb)).toBeNull();

    // What was still owed to them is not sent; statistics keep the case's non-personal fields.
    const [owed] = await db.select().from(t.outbox).where(eq(t.outbox.identityId, twin.id));
    expect(owed.status).toBe('failed');
    const [kase] = await db.select().from(t.cases).where(eq(t.cases.id, opened.id));
    expect(kase).toMatchObject({ kind: 'pengaduan', categoryCode: 'bantuan-sosial', status: 'baru', dinasId: dinsos.id, regionCode: '327301', channel: 'web' });
    expect(kase.identityId).not.toBe(identityId);

    const [status] = await chat.send('cek status');
    expect(status).toContain(id.status.none);
    expect(await world.cases(chat.citizen)).toEqual([]);
  });
});
