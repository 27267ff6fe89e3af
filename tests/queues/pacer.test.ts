/**
 * The channel's send pace (src/queues/pacer.ts) is one schedule for every process: two pacers on
 * their own connections, as two worker processes would be, taking slots as fast as they can,
 * get slots one interval apart on Postgres's clock, never more than the cap in any one second,
 * and no slower than the cap less its headroom. Slots are read, not waited for: what is checked
 * is the schedule, which a busy machine does not change.
 */
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { PACE_HEADROOM, SendPacer } from '../../src/queues/pacer.js';
import { createTestEnv, startTestApp, type TestEnv } from '../support/env.js';

let env: TestEnv;
let app: App;
const clients: postgres.Sql[] = [];

beforeAll(async () => {
  env = await createTestEnv();
  app = await startTestApp(env, { role: 'web' });
});

afterAll(async () => {
  for (const client of clients) await client.end();
  await app?.close();
  await env?.dispose();
});

/** A pacer on a connection of its own, as in another process. */
function processPacer(perSecond: Partial<Record<'telegram' | 'whatsapp-cloud' | 'web', number>>): SendPacer {
  const client = postgres(env.databaseUrl, { max: 4, onnotice: () => {} });
  clients.push(client);
  return new SendPacer(client, perSecond);
}

/** The most slots in any half-open second. */
function busiestSecond(slots: number[]): number {
  let busiest = 0;
  for (let from = 0, to = 0; to < slots.length; to++) {
    while (slots[to] - slots[from] >= 1000) from++;
    busiest = Math.max(busiest, to - from + 1);
  }
  return busiest;
}

describe('the send pace shared by every process', () => {
  it.each([
    { cap: 20, perProcess: 60 },
    { cap: 30, perProcess: 100 },
    { cap: 500, perProcess: 1_000 },
  ])('$cap a second: slots from two processes never put more than $cap in a second', async ({ cap, perProcess }) => {
    const pacers = [processPacer({ telegram: cap }), processPacer({ telegram: cap })];
    // Each process's connections opened first: while they open, nobody takes the slots passing by.
    await Promise.all(pacers.flatMap((pacer) => Array.from({ length: 4 }, () => pacer.take('telegram'))));
    const slots: number[] = [];
    // Four sends in flight per process, as a lane's concurrency would have them.
    await Promise.all(
      pacers.flatMap((pacer) =>
        Array.from({ length: 4 }, async () => {
          for (let i = 0; i < perProcess / 4; i++) {
            const taken = await pacer.take('telegram');
            slots.push(taken!.atMs);
          }
        }),
      ),
    );
    slots.sort((a, b) => a - b);
    expect(slots).toHaveLength(2 * perProcess);

    const intervalMs = pacers[0].intervalOf('telegram')! / 1000;
    const gaps = slots.slice(1).map((at, i) => at - slots[i]);
    // Postgres keeps microseconds; the epoch in milliseconds as a double keeps them too.
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(intervalMs - 0.002);
    expect(busiestSecond(slots)).toBeLessThanOrEqual(cap);
    // Taken back to back, the slots follow each other at once: the pace is the cap less its headroom.
    const rate = ((slots.length - 1) * 1000) / (slots[slots.length - 1] - slots[0]);
    expect(rate).toBeGreaterThanOrEqual(cap * (1 - PACE_HEADROOM) * 0.999);
    expect(rate).toBeLessThanOrEqual(cap);
  });

  it('a send waits for its slot: the wait grows with the slots taken ahead of it', async () => {
    const pacer = processPacer({ 'whatsapp-cloud': 1 });
    const intervalMs = pacer.intervalOf('whatsapp-cloud')! / 1000;
    expect(intervalMs).toBeCloseTo(1000 / (1 - PACE_HEADROOM), 0);
    const first = await pacer.take('whatsapp-cloud');
    const second = await pacer.take('whatsapp-cloud');
    const third = await pacer.take('whatsapp-cloud');
    expect(second!.atMs - first!.atMs).toBeCloseTo(intervalMs, 2);
    expect(third!.atMs - second!.atMs).toBeCloseTo(intervalMs, 2);
    // One a second: the third send's slot is two seconds after the first's, and it waits for it.
    expect(third!.waitMs).toBeGreaterThan(intervalMs);
    expect(third!.waitMs).toBeLessThanOrEqual(2 * intervalMs + 1);
  });

  it('sends asking in the same tick take consecutive slots in one statement, as if each had asked alone', async () => {
    let statements = 0;
    const client = postgres(env.databaseUrl, { max: 4, onnotice: () => {}, debug: () => void statements++ });
    clients.push(client);
    // The connection's own first queries (postgres.js reads the array types) are not the pacer's.
    await client`select 1`;
    statements = 0;
    const pacer = new SendPacer(client, { 'whatsapp-cloud': 4_000 });
    const intervalMs = pacer.intervalOf('whatsapp-cloud')! / 1000;
    const together = await Promise.all([1, 2, 3, 4].map(() => pacer.take('whatsapp-cloud')));
    expect(statements).toBe(1);
    const first = together[0]!.atMs;
    expect(together.map((slot) => slot!.atMs - first)).toEqual([0, 1, 2, 3].map((i) => expect.closeTo(i * intervalMs, 2)));
    // One statement moved the schedule on by the four slots, and the next send's slot is after them.
    const [row] = await app.ctx.db.sql<{ next_ms: string }[]>`select extract(epoch from next_at) * 1000 as next_ms from send_pace where channel = 'whatsapp-cloud'`;
    expect(Number(row.next_ms) - first).toBeCloseTo(4 * intervalMs, 2);
    const alone = await pacer.take('whatsapp-cloud');
    expect(statements).toBe(2);
    expect(alone!.atMs).toBeGreaterThanOrEqual(Number(row.next_ms) - 0.002);
  });

  it('a channel without a pace sends at once and keeps no schedule', async () => {
    const pacer = processPacer({ telegram: 30 });
    expect(await pacer.take('web')).toBeNull();
    await pacer.slot('web');
    const rows = await app.ctx.db.sql<{ channel: string }[]>`select channel from send_pace where channel = 'web'`;
    expect(rows).toHaveLength(0);
  });
});
