/**
 * Masking at the door: a NIK typed anywhere in the conversation — as a complaint, in the first
 * message, in a photo's caption, a place's or a contact's name — is masked before the message is
 * stored, and afterwards no table holds it in clear. Only the NIK question keeps it, sealed; a
 * message given up on, or an update the database refused, is kept for operators masked too.
 */
import { describe, expect, it } from 'vitest';
import { id } from '../../flows/copy/id.js';
import { ingest } from '../../src/conversation/ingest.js';
import { processConversation } from '../../src/conversation/runtime.js';
import { setAside } from '../../src/conversation/set-aside.js';
import { decryptNik, hashNik } from '../../src/pii/nik.js';
import { dumpDatabase, holdsDigits } from '../support/dump.js';
import { Chat, World, nikKeys, useRuntime } from '../flows/driver.js';

useRuntime();

const NIK = '3273014101900001';
const MASKED = '3273••••••••0001';
const DESCRIPTION = 'Bantuan PKH keluarga kami tidak cair sejak Agustus, NIK saya 3273 0141 0190 0001 tolong dicek.';

/** Every NIK the tests type, in every form: none may be anywhere in the database afterwards. */
const TYPED = [NIK, '3273010101900001', '3273017112900001', '3273012902000001', '1101010101900001'];

async function expectNoNikAnywhere(world: World) {
  const dump = await dumpDatabase(world.app.ctx.db.sql);
  for (const nik of TYPED) expect(holdsDigits(dump, nik), `${nik} in the database`).toBe(false);
}

/** Sealed NIKs left on stored messages: the step drops every one, used or not. */
async function sealedOnMessages(world: World): Promise<number> {
  const [row] = await world.app.ctx.db.sql<{ n: number }[]>`select count(*)::int as n from messages where payload ? 'nik'`;
  return row.n;
}

describe('a NIK typed where the flow did not ask for it', () => {
  it('is masked in a complaint description: in the message, the draft, the summary and the case', async () => {
    const world = new World();
    const chat = new Chat(world);
    await chat.say('halo', '1', '1', '1');
    const [summaryStep] = await chat.send(DESCRIPTION);
    expect(summaryStep).toContain(id.location.prompt);
    expect((await chat.stored()).at(-1)!.body).toBe(`Bantuan PKH keluarga kami tidak cair sejak Agustus, NIK saya ${MASKED} tolong dicek.`);
    expect(JSON.stringify(chat.snapshot)).toContain(MASKED);

    const [summary] = await chat.say('lewati', 'lewati', '2');
    expect(summary).toContain(`NIK saya ${MASKED}`);
    await chat.send('1');
    const [kase] = await world.cases();
    expect(kase.description).toContain(`NIK saya ${MASKED}`);
    // Typed as a description, not given as the reporter's NIK: the case's citizen has none.
    expect(await world.citizen()).toMatchObject({ nikEncrypted: null, nikHash: null });
    expect(await sealedOnMessages(world)).toBe(0);
    await expectNoNikAnywhere(world);
  });

  it('is masked in the first message, which the understanding step still reads as a report', async () => {
    const world = new World();
    const chat = new Chat(world);
    const [reply] = await chat.send('Saya mau lapor, bantuan PKH belum cair, NIK 3273-0101-0190-0001');
    expect(reply).not.toContain('0101-0190');
    expect((await chat.stored())[0].body).toBe('Saya mau lapor, bantuan PKH belum cair, NIK 3273••••••••0001');
    expect((await chat.stored())[0].payload).toBeNull();
    await expectNoNikAnywhere(world);
  });

  it('is masked in a caption, a place and a contact, and in the chat profile name', async () => {
    const world = new World();
    const chat = new Chat(world);
    await chat.send({ type: 'citizen.photo', mediaRef: 'door-photo-1', caption: 'KTP saya 3273017112900001' });
    await chat.send({ type: 'citizen.location', latitude: -6.9, longitude: 107.6, address: 'Rumah 3273.0129.0200.0001' });
    await chat.send({ type: 'citizen.contact', phone: '+6281200000009', name: 'Budi 1101010101900001' });
    const bodies = (await chat.stored()).map((message) => message.body);
    expect(bodies).toEqual(['KTP saya 3273••••••••0001', 'Rumah 3273••••••••0001', 'Budi 1101••••••••0001']);

    const { ctx } = world.app;
    const chatId = world.chatId('profile');
    await ingest(ctx, { channel: 'web', chatId, externalId: `${chatId}#1`, displayName: 'Siti 3273010101900001', content: { kind: 'text', text: 'halo' }, sentAt: ctx.now() });
    const [identity] = await ctx.db.sql<{ display_name: string }[]>`select display_name from channel_identities where chat_id = ${chatId}`;
    expect(identity.display_name).toBe('Siti 3273••••••••0001');
    await processConversation(ctx, await world.identityOf('profile'));
    await expectNoNikAnywhere(world);
  });

  it('hides every digit of a 16-digit number that is not a valid NIK', async () => {
    const chat = new Chat(new World());
    await chat.send('nomor KK 3273 0101 0190 0000 ya');
    expect((await chat.stored())[0].body).toBe('nomor KK •••• •••• •••• •••• ya');
  });
});

describe('a NIK given at the NIK question', () => {
  it('is kept sealed on the case, with its hash, and nowhere in clear', async () => {
    const world = new World();
    const chat = new Chat(world);
    await chat.say('halo', '1', '1', '1', 'Bantuan PKH keluarga kami tidak cair sejak Agustus padahal terdaftar.', 'lewati', 'lewati', '1', 'Siti Aminah');
    const [summary] = await chat.send('NIK saya 3273 0141 0190 0001');
    expect(summary).toContain(`NIK: ${MASKED}`);
    expect((await chat.stored()).at(-1)!.body).toBe(`NIK saya ${MASKED}`);
    await chat.send('1');
    const citizen = await world.citizen();
    expect(citizen!.nikHash).toBe(hashNik(NIK, nikKeys));
    expect(decryptNik(citizen!.nikEncrypted!, nikKeys)).toBe(NIK);
    expect((await world.cases())[0].regionCode).toBe('327301');
    expect(await sealedOnMessages(world)).toBe(0);
    await expectNoNikAnywhere(world);
  });
});

describe('the paths that keep updates for operators', () => {
  it('keeps a message given up on masked, without its sealed NIK, and masks the error text', async () => {
    const world = new World();
    const { ctx } = world.app;
    const error = new Error('update "messages" failed: params 3273014101900001');
    const giveUp = async (citizen: string) => {
      const outcome = await processConversation(ctx, await world.identityOf(citizen), { giveUpOnFirst: { error, attempts: 3 } });
      expect(outcome).toMatchObject({ processed: 1, gaveUp: { channel: 'web' } });
      const [kept] = await ctx.db.sql<{ raw: string; error: string }[]>`select raw, error from set_aside_updates where chat_id = ${world.chatId(citizen)}`;
      return kept;
    };

    const chatId = world.chatId('given-up');
    await ingest(ctx, { channel: 'web', chatId, externalId: `${chatId}#1`, content: { kind: 'text', text: 'NIK 3273014101900001 kenapa ditolak' }, sentAt: ctx.now() });
    const kept = await giveUp('given-up');
    expect(JSON.parse(kept.raw)).toMatchObject({ body: `NIK ${MASKED} kenapa ditolak`, payload: {} });
    expect(kept.error).toBe(`update "messages" failed: params ${MASKED}`);
    expect(await sealedOnMessages(world)).toBe(0);

    // A message stored before the door masked anything.
    const oldChat = world.chatId('stored-before');
    const oldIdentity = await world.identityOf('stored-before');
    await ctx.db.sql`insert into conversations (identity_id, version) values (${oldIdentity}, ${ctx.machineVersion})`;
    await ctx.db.sql`
      insert into messages (identity_id, channel, external_id, kind, body, sent_at)
      values (${oldIdentity}, 'web', ${`${oldChat}#1`}, 'text', 'lama: 3273 0101 0190 0001', now())`;
    expect((await giveUp('stored-before')).raw).toContain('lama: 3273••••••••0001');
    // That message itself is as it was stored; what is kept for operators is masked.
    await ctx.db.sql`update messages set body = null where external_id = ${`${oldChat}#1`}`;
    await expectNoNikAnywhere(world);
  });

  it('keeps an update the database refused with every NIK in it masked', async () => {
    const world = new World();
    const { ctx } = world.app;
    const chatId = world.chatId('refused');
    await setAside(ctx, {
      channel: 'web',
      chatId,
      externalId: `${chatId}#1`,
      raw: { message: { text: 'nik 3273 0141 0190 0001', from: { first_name: 'Budi 3273017112900001' } }, update_id: 1 },
      error: new Error('value too long: 3273-0141-0190-0001'),
      attempts: 3,
    });
    const [row] = await ctx.db.sql<{ raw: string; error: string }[]>`select raw, error from set_aside_updates where chat_id = ${chatId}`;
    expect(JSON.parse(row.raw)).toEqual({ message: { text: `nik ${MASKED}`, from: { first_name: `Budi ${MASKED}` } }, update_id: 1 });
    expect(row.error).toBe(`value too long: ${MASKED}`);
    await expectNoNikAnywhere(world);
  });
});
