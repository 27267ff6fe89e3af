/**
 * Broadcasts from the citizen's side, as scripts of messages in and replies out: *langganan* to
 * topics and a region (by name, stored as its Kemendagri code), the one-tap offer under a new
 * ticket, *berhenti* / *stop* / *berhenti langganan* from anywhere (confirmed), and *mulai* to
 * resume. Every yes and no is a consent row with the channel and the exact words shown.
 */
import { describe, expect, it } from 'vitest';
import { en } from '../../flows/copy/en.js';
import { id } from '../../flows/copy/id.js';
import { Chat, World, useRuntime } from './driver.js';

useRuntime();

async function subscriptionsOf(world: World, citizen = 'citizen-a') {
  const identityId = await world.identityOf(citizen);
  return world.app.ctx.db.sql<{ topic: string; region_code: string | null }[]>`
    select t.code as topic, s.region_code from subscriptions s join topics t on t.id = s.topic_id
    where s.identity_id = ${identityId} order by t.position`;
}

async function consentsOf(world: World, citizen = 'citizen-a') {
  const identityId = await world.identityOf(citizen);
  return world.app.ctx.db.sql<{ action: string; channel: string; topic_codes: string[]; region_code: string | null; wording: string }[]>`
    select action, channel, topic_codes, region_code, wording from broadcast_consents where identity_id = ${identityId} order by id`;
}

async function optedOut(world: World, citizen = 'citizen-a'): Promise<{ at: Date | null; reason: string | null }> {
  const identityId = await world.identityOf(citizen);
  const [row] = await world.app.ctx.db.sql<{ at: Date | null; reason: string | null }[]>`
    select broadcast_opt_out_at as at, broadcast_opt_out_reason as reason from channel_identities where id = ${identityId}`;
  return row;
}

describe('langganan', () => {
  it('subscribes to the topics chosen by number and to a kelurahan typed by name, the consent kept word for word', async () => {
    const world = new World();
    const chat = new Chat(world);
    await chat.send('halo');
    const [topics] = await chat.send('langganan');
    expect(topics).toContain(id.subscribe.topics);
    expect(topics).toContain('1. Bantuan sosial\n2. Kesehatan\n3. Pendidikan\n4. Bencana');
    expect(topics).toContain(id.subscribe.consent);

    const [region] = await chat.send('1 dan 4');
    expect(region).toContain(id.subscribe.region);
    // Subscribed as soon as the topics were chosen: the region is optional.
    expect(await subscriptionsOf(world)).toEqual([
      { topic: 'bantuan-sosial', region_code: null },
      { topic: 'bencana', region_code: null },
    ]);

    const replies = await chat.send('Kel. Cihapit');
    expect(replies).toHaveLength(2);
    expect(replies[0]).toBe(id.subscribe.done('Bantuan sosial, Bencana', 'Kelurahan Cihapit'));
    expect(replies[1]).toContain(id.menu.prompt);
    expect(chat.state).toBe('menu');
    expect(await subscriptionsOf(world)).toEqual([
      { topic: 'bantuan-sosial', region_code: '3273091001' },
      { topic: 'bencana', region_code: '3273091001' },
    ]);

    const consents = await consentsOf(world);
    expect(consents).toHaveLength(2);
    expect(consents[0]).toMatchObject({ action: 'subscribe', channel: 'web', topic_codes: ['bantuan-sosial', 'bencana'], region_code: null });
    // The exact words shown: the question with its list and the consent sentence.
    expect(consents[0].wording).toBe(topics.replace(`${id.notes.welcome}\n\n`, ''));
    expect(consents[1]).toMatchObject({ action: 'subscribe', region_code: '3273091001' });
    expect(consents[1].wording).toContain(id.subscribe.region);
  });

  it('asks which one when several regions have the name, says so when none has, and subscribes without a region on "lewati"', async () => {
    const world = new World();
    await world.app.ctx.db.sql`
      insert into regions (code, name, level) values ('3273141099', 'Sukamaju', 'kelurahan'), ('3273241099', 'Sukamaju', 'kelurahan'), ('327399', 'Sukamaju Raya', 'kecamatan')
      on conflict do nothing`;
    const chat = new Chat(world);
    await chat.say('halo', 'langganan', 'kesehatan');
    let [reply] = await chat.send('sukamaju');
    expect(reply).toContain(id.subscribe.regionChoice);
    expect(reply).toContain('1. Kelurahan Sukamaju\n2. Kelurahan Sukamaju\n3. Kecamatan Sukamaju Raya');
    await chat.send('2');
    expect(await subscriptionsOf(world)).toEqual([{ topic: 'kesehatan', region_code: '3273241099' }]);

    const other = new Chat(world, 'citizen-b');
    await other.say('halo', 'langganan', '3');
    [reply] = await other.send('Atlantis');
    expect(reply.startsWith(id.notes.regionNotFound)).toBe(true);
    expect(other.state).toBe('subscribe.askRegion');
    const replies = await other.send('lewati');
    expect(replies[0]).toBe(id.subscribe.done('Pendidikan', null));
    expect(await subscriptionsOf(world, 'citizen-b')).toEqual([{ topic: 'pendidikan', region_code: null }]);
  });

  it('finds a place typed without its spaces: "tamansari" is Kelurahan Taman Sari (32.73.09.1002)', async () => {
    const world = new World();
    const chat = new Chat(world);
    await chat.say('halo', 'langganan', '1');
    const [done] = await chat.send('kel tamansari');
    expect(done).toBe(id.subscribe.done('Bantuan sosial', 'Kelurahan Taman Sari'));
    expect(await subscriptionsOf(world)).toEqual([{ topic: 'bantuan-sosial', region_code: '3273091002' }]);
  });

  it('re-asks a topic answer that names no topic', async () => {
    const chat = new Chat(new World());
    await chat.say('halo', 'langganan');
    const [reply] = await chat.send('9');
    expect(reply.startsWith(id.hints.topics)).toBe(true);
    expect(chat.state).toBe('subscribe.askTopics');
  });

  it('runs in English', async () => {
    const world = new World();
    const chat = new Chat(world);
    await chat.send('english');
    const [topics] = await chat.send('subscribe');
    expect(topics).toContain(en.subscribe.topics);
    expect(topics).toContain('2. Health');
    await chat.send('2');
    const [done] = await chat.send('skip');
    expect(done).toBe(en.subscribe.done('Health', null));
  });
});

describe('the one-tap offer under a new ticket', () => {
  it("offers the report's topic, subscribes with one tap, and is not offered again once subscribed", async () => {
    const world = new World();
    const chat = new Chat(world);
    await chat.say('halo', '1', '1', '1', 'Bantuan PKH keluarga kami tidak cair sejak Agustus.', 'lewati', 'lewati', '2');
    const [created] = await chat.send('1');
    expect(created).toContain(id.subscribe.offer('Bantuan sosial'));
    expect(chat.replies[0].options).toEqual([{ key: 'langganan', label: 'Langganan' }]);

    const [region] = await chat.send('langganan');
    expect(region).toContain(id.subscribe.region);
    expect(await subscriptionsOf(world)).toEqual([{ topic: 'bantuan-sosial', region_code: null }]);
    const [consent] = await consentsOf(world);
    expect(consent.wording).toBe(id.subscribe.offer('Bantuan sosial'));
    const [done] = await chat.send('lewati');
    expect(done).toBe(id.subscribe.done('Bantuan sosial', null));

    await chat.say('1', '1', '1', 'Bantuan beras tidak dibagikan merata di RW 05.', 'lewati', 'lewati', '2');
    const [again] = await chat.send('1');
    expect(again).not.toContain(id.subscribe.offer('Bantuan sosial'));
  });

  it('is gone once the citizen has moved on: "langganan" then asks for topics', async () => {
    const chat = new Chat(new World());
    await chat.say('halo', '1', '1', '1', 'Bantuan PKH keluarga kami tidak cair sejak Agustus.', 'lewati', 'lewati', '2', '1');
    await chat.say('2', '0');
    const [topics] = await chat.send('langganan');
    expect(topics).toContain(id.subscribe.topics);
  });
});

describe('berhenti and mulai', () => {
  it('"BERHENTI", "STOP" and "berhenti langganan" stop every broadcast from wherever the citizen is, and are confirmed', async () => {
    const world = new World();
    for (const [citizen, script, word] of [
      ['at-topics', ['halo', 'langganan'], 'BERHENTI'],
      ['at-description', ['halo', '1', '1', '1'], 'STOP'],
      ['at-region', ['halo', 'langganan', '2'], 'berhenti langganan'],
    ] as const) {
      const chat = new Chat(world, citizen);
      await chat.say(...script);
      const [reply] = await chat.send(word);
      expect(reply.startsWith(id.notes.stopped), `${citizen}: ${reply}`).toBe(true);
      expect(chat.state).toBe('menu');
      expect(await optedOut(world, citizen)).toMatchObject({ reason: 'citizen' });
      const consents = await consentsOf(world, citizen);
      expect(consents.at(-1)).toMatchObject({ action: 'unsubscribe', channel: 'web', wording: id.notes.stopped });
    }
  });

  it('"MULAI" resumes broadcasts after berhenti and says so; otherwise it is the menu as before', async () => {
    const world = new World();
    const chat = new Chat(world);
    await chat.say('halo', 'langganan', '1', 'lewati', 'berhenti');
    expect((await optedOut(world)).at).not.toBeNull();

    const [resumed] = await chat.send('MULAI');
    expect(resumed.startsWith(id.notes.resumed)).toBe(true);
    expect(resumed).toContain(id.menu.prompt);
    expect(await optedOut(world)).toEqual({ at: null, reason: null });
    expect((await consentsOf(world)).map((c) => c.action)).toEqual(['subscribe', 'unsubscribe', 'resume']);
    // Subscriptions were kept through the pause.
    expect(await subscriptionsOf(world)).toEqual([{ topic: 'bantuan-sosial', region_code: null }]);

    await chat.send('1');
    const [menu] = await chat.send('mulai');
    expect(menu.startsWith(id.notes.resumed)).toBe(false);
    expect(menu).toContain(id.menu.prompt);
    expect((await consentsOf(world)).map((c) => c.action)).toEqual(['subscribe', 'unsubscribe', 'resume']);
  });

  it('subscribing again ends an opt-out, in English too', async () => {
    const world = new World();
    const chat = new Chat(world);
    await chat.say('english', 'stop');
    expect(chat.replies[0].text.startsWith(en.notes.stopped)).toBe(true);
    await chat.say('subscribe', '1', 'skip');
    expect(await optedOut(world)).toEqual({ at: null, reason: null });
  });
});
