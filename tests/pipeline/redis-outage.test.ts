/**
 * Redis is transport, not truth: when its server dies mid-conversation, webhooks keep answering at
 * once (the message is durable in Postgres), /readyz names the queue as the degraded part, the
 * outage is logged once per process and its end once, not once per job, and when Redis comes back
 * empty every owed reply is delivered within seconds, exactly once, and the delayed work it held
 * (an SLA alarm, a dinas webhook's retry) is rebuilt from Postgres at once: in one process, and
 * with the web and worker roles as separate OS processes. Each scenario owns a private
 * redis-server it kills and starts again.
 */
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import { startProduct, type LoggedLine, type ProductProcess } from '../../bench/processes.js';
import type { App } from '../../src/app.js';
import * as schema from '../../src/db/schema.js';
import { addWebhookEndpoint, createIntegrationKey } from '../../src/integrations/keys.js';
import { createEnqueue } from '../../src/queues/enqueue.js';
import { CASE_TIMER_QUEUE, caseTimerJobId, inboundJob } from '../../src/queues/jobs.js';
import { createTransport, type Transport } from '../../src/queues/transport.js';
import { createTestEnv, startTestApp, testSettings, waitForNothingOwed, type TestEnv } from '../support/env.js';
import { startFakeTelegram, type FakeTelegram } from '../support/fake-telegram.js';
import { captureLog } from '../support/log.js';
import { startPrivateRedis, type PrivateRedis } from '../support/redis-server.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';
import { fireScript, NAVIGATION_SCRIPT, postUpdate, recordBaseline, telegramConfig, textUpdate, type ProductProcesses } from '../support/telegram.js';
import { openChatSession, postChatMessage } from '../support/webchat.js';
import { cloudText, cloudWebhook, nextWamid, postCloudWebhook, whatsappCloudConfig } from '../support/whatsapp-cloud.js';
import { until } from '../support/until.js';

/** What the issue asks of the product: a webhook answer within 1 s during the outage, every reply within 10 s of Redis's return. */
const WEBHOOK_BOUND_MS = 1_000;
const RECOVERY_BOUND_MS = 10_000;
const CITIZENS = 5;

let nextChat = 9_100_000;

/**
 * The relay's regular rounds wait longer than the recovery bound, so only its catch-up when Redis
 * returns (at once, whatever the work's age) can deliver in time.
 */
const SLOW_RELAY = { RELAY_INTERVAL_MS: '60000', RELAY_AFTER_MS: '60000' };

/** Webhook retries seconds apart, so one waits in Redis's delayed set when Redis dies. */
const QUICK_WEBHOOK_RETRIES = { WEBHOOK_RETRY_BASE_MS: '300', WEBHOOK_RETRY_MAX_MS: '1000', WEBHOOK_TIMEOUT_MS: '2000' };
const WEBHOOK_SECRET = 'whsec_redis_outage_test';

/** What else the scenario watches: the dinas's webhook receiver, and where the product's queues live. */
interface OwedElsewhere {
  receiver: WebhookReceiver;
  redisPrefix: string;
  /** Called right before Redis is killed, e.g. to mark where the processes' logs of the outage begin. */
  beforeKill?: () => void;
}

/**
 * A case filed by the dinas's own system (Open311) just before Redis dies, with two kinds of delayed
 * work in Redis: its first webhook delivery, retried because the receiver is down, and its SLA
 * clock, whose reminder is made due now and whose escalation is due in half an hour (moved from
 * its own start, so on whichever clock the product runs). Neither may wait for the relay's
 * regular rounds once Redis is back empty.
 */
async function caseWithDelayedWork(product: ProductProcesses, owed: OwedElsewhere) {
  const db = drizzle(product.sql, { schema });
  const [dinas] = await db.select({ id: schema.dinas.id }).from(schema.dinas).where(eq(schema.dinas.code, 'dinsos-bandung'));
  const { key } = await createIntegrationKey(db, dinas.id, 'sistem-dinas');
  // Only the case's creation: a later event of the case (the reminder) would drive its pair again.
  await addWebhookEndpoint(db, { dinasId: dinas.id, url: owed.receiver.url, secret: WEBHOOK_SECRET, eventTypes: ['case.created'] });
  owed.receiver.setDown(true);
  const res = await fetch(`${product.url}/open311/v2/requests.json`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ api_key: key, service_code: 'pkh', description: 'Bantuan PKH belum cair.', lat: -6.914744, long: 107.60981 }),
  });
  expect(res.status).toBe(201);
  const ticket = ((await res.json()) as { service_request_id: string }[])[0].service_request_id;
  const [kase] = await product.sql<{ id: string }[]>`select id from cases where ticket = ${ticket}`;
  const deliveries = () => product.sql<{ status: string; attempts: number }[]>`select status, attempts from webhook_deliveries where case_id = ${kase.id} order by case_event_id`;
  await until('the first delivery attempt to fail', async () => (await deliveries())[0]?.attempts >= 1, 20_000);
  const [timer] = await product.sql<{ id: string }[]>`
    update case_timers set remind_at = started_at, next_at = started_at, due_at = started_at + interval '30 minutes'
    where case_id = ${kase.id} and kind = 'verify' returning id`;
  const events = async () => (await product.sql<{ type: string }[]>`select type from case_events where case_id = ${kase.id} order by id`).map((e) => e.type);
  expect(await events()).toEqual(['created']);
  return { ticket, timerId: Number(timer.id), deliveries, events };
}

/** The state of a job in the product's queue, read straight from Redis. */
async function jobState(redisUrl: string, prefix: string, queueName: string, jobId: string): Promise<string | undefined> {
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue(queueName, { connection, prefix });
  try {
    return await (await queue.getJob(jobId))?.getState();
  } finally {
    await queue.close();
    connection.disconnect();
  }
}

/**
 * Five citizens are halfway through a conversation when Redis is killed and go on typing during the
 * outage; three others have finished typing, but their replies still wait in Redis as send retries
 * (the Bot API was failing), and a dinas's case waits on a webhook retry and an SLA alarm. Redis
 * comes back empty on the same port: only Postgres knows what is owed, and the relay's regular
 * rounds are too slow (SLOW_RELAY) for anything but its catch-up.
 */
async function killedMidConversation(product: ProductProcesses, telegram: FakeTelegram, redis: PrivateRedis, owed: OwedElsewhere) {
  const { replies: baseline } = await recordBaseline(product, telegram, nextChat++);
  const typing = Array.from({ length: CITIZENS }, () => nextChat++);
  const stranded = Array.from({ length: 3 }, () => nextChat++);
  const half = NAVIGATION_SCRIPT.length / 2;
  const unprocessed = async (chats: number[]) => {
    const [row] = await product.sql<{ n: number }[]>`
      select count(*)::int as n from messages m join channel_identities i on i.id = m.identity_id
      where i.chat_id in ${product.sql(chats.map(String))} and m.processed_at is null`;
    return row.n;
  };

  const post = async (chat: number, i: number) => {
    const started = performance.now();
    const status = await postUpdate(product.url, textUpdate(chat, i + 1, NAVIGATION_SCRIPT[i]));
    return { status, ms: performance.now() - started };
  };
  await Promise.all(typing.map(async (chat) => {
    for (let i = 0; i < half; i++) await post(chat, i);
  }));
  await waitForNothingOwed(product.sql);

  telegram.outage();
  await Promise.all(stranded.map((chat) => fireScript(product.url, chat)));
  await until('the stranded chats to be stepped, their replies owed', async () => (await unprocessed(stranded)) === 0, 20_000);
  const kase = await caseWithDelayedWork(product, owed);
  owed.beforeKill?.();
  await redis.kill();
  telegram.heal();

  const during = await Promise.all(
    typing.map(async (chat) => {
      const answers = [];
      for (let i = half; i < NAVIGATION_SCRIPT.length; i++) answers.push(await post(chat, i));
      return answers;
    }),
  );
  for (const answer of during.flat()) {
    expect(answer.status).toBe(200);
    expect(answer.ms).toBeLessThan(WEBHOOK_BOUND_MS);
  }
  const [stored] = await product.sql<{ n: number }[]>`
    select count(*)::int as n from messages m join channel_identities i on i.id = m.identity_id
    where i.chat_id in ${product.sql(typing.map(String))}`;
  expect(stored.n).toBe(CITIZENS * NAVIGATION_SCRIPT.length);

  owed.receiver.setDown(false);
  await redis.restart();
  const everyone = [...typing, ...stranded];
  await until(
    'every owed reply after Redis came back empty',
    () => everyone.every((chat) => telegram.sent(String(chat)).length >= baseline.length),
    RECOVERY_BOUND_MS,
  );
  await waitForNothingOwed(product.sql, RECOVERY_BOUND_MS);
  // Exactly the sequence a citizen alone receives: nothing lost, nothing twice, in order.
  for (const chat of everyone) expect(telegram.sent(String(chat)).map((m) => m.text)).toEqual(baseline);

  // The delayed work Redis lost is rebuilt from Postgres by the catch-up as well: the webhook retry
  // reaches the dinas once, the alarm that came due meanwhile fires once, and the next one is back
  // in Redis's delayed set.
  await until('the webhook delivery', async () => (await kase.deliveries())[0]?.status === 'delivered', RECOVERY_BOUND_MS);
  const delivered = owed.receiver.received.filter((w) => w.body.case.ticket === kase.ticket);
  expect(delivered.map((w) => [w.event, w.status, w.verified])).toEqual([['case.created', 200, true]]);
  await until('the SLA reminder', async () => (await kase.events()).includes('reminder'), RECOVERY_BOUND_MS);
  await until('the escalation alarm in Redis again', async () => (await jobState(redis.url, owed.redisPrefix, CASE_TIMER_QUEUE, caseTimerJobId(kase.timerId, 'due'))) === 'delayed', RECOVERY_BOUND_MS);
  expect(await kase.events()).toEqual(['created', 'reminder']);
}

describe('Redis killed mid-conversation, one process', () => {
  let env: TestEnv;
  let telegram: FakeTelegram;
  let redis: PrivateRedis;
  let receiver: WebhookReceiver;
  let app: App;
  const captured = captureLog('warn');

  beforeAll(async () => {
    env = await createTestEnv();
    telegram = await startFakeTelegram();
    redis = await startPrivateRedis();
    receiver = await startWebhookReceiver(WEBHOOK_SECRET);
    app = await startTestApp(env, { config: telegramConfig(telegram, { ...SLOW_RELAY, ...QUICK_WEBHOOK_RETRIES }), redisUrl: redis.url, log: captured.log });
  });
  afterAll(async () => {
    await app?.close();
    await telegram?.close();
    await receiver?.close();
    await redis?.stop();
    await env?.dispose();
  });

  it('answers every webhook at once during the outage and delivers every owed reply, alarm and webhook once after it, logging the outage once', async () => {
    let linesBefore = 0;
    await killedMidConversation({ url: app.url!, sql: app.ctx.db.sql }, telegram, redis, {
      receiver,
      redisPrefix: env.redisPrefix,
      beforeKill: () => (linesBefore = captured.lines.length),
    });
    expectTheOutageSaidOnce(captured.lines.slice(linesBefore));
  }, 90_000);
});

describe('Redis killed mid-conversation, web and worker as separate processes', () => {
  let env: TestEnv;
  let telegram: FakeTelegram;
  let redis: PrivateRedis;
  let receiver: WebhookReceiver;
  let sql: postgres.Sql;
  const processes: ProductProcess[] = [];
  let url: string;

  beforeAll(async () => {
    env = await createTestEnv();
    telegram = await startFakeTelegram();
    redis = await startPrivateRedis();
    receiver = await startWebhookReceiver(WEBHOOK_SECRET);
    sql = postgres(env.databaseUrl, { max: 2, onnotice: () => {} });
    const settings = testSettings({
      ...telegramConfig(telegram, { ...SLOW_RELAY, ...QUICK_WEBHOOK_RETRIES }),
      DATABASE_URL: env.databaseUrl,
      REDIS_URL: redis.url,
      QUEUE_PREFIX: env.redisPrefix,
      // A port the web process binds itself and prints: a port picked here and bound later could
      // meanwhile be taken by another test file's server, which would then answer our requests.
      PORT: '0',
      // Warnings show in the failure message below if a process dies.
      LOG_LEVEL: 'warn',
    });
    const childEnv = Object.fromEntries(Object.entries(settings).filter((e): e is [string, string] => e[1] !== undefined));
    const web = startProduct('web', 'web', childEnv);
    processes.push(web, startProduct('worker', 'worker', childEnv));
    const died = Promise.race(processes.map(async (p) => `${p.label} exited with ${await p.exited}:\n${p.outputTail()}`));
    // Two processes migrating, seeding and loading through tsx: slow when the machine is busy.
    url = await Promise.race([web.listening, died.then((why) => Promise.reject(new Error(why)))]);
    expect((await fetch(`${url}/healthz`)).ok).toBe(true);
  }, 120_000);
  afterAll(async () => {
    for (const p of processes) await p.stop();
    await sql?.end();
    await telegram?.close();
    await receiver?.close();
    await redis?.stop();
    await env?.dispose();
  });

  it('answers every webhook at once during the outage and delivers every owed reply, alarm and webhook once after it, each process logging the outage once', async () => {
    let linesBefore: number[] = [];
    try {
      await killedMidConversation({ url, sql }, telegram, redis, {
        receiver,
        redisPrefix: env.redisPrefix,
        beforeKill: () => (linesBefore = processes.map((p) => p.warningLines().length)),
      });
    } catch (err) {
      for (const p of processes) console.error(`--- ${p.label} output ---\n${p.outputTail()}`);
      throw err;
    }
    // Neither process crashed meanwhile.
    for (const p of processes) expect(await Promise.race([p.exited, Promise.resolve('running')])).toBe('running');

    processes.forEach((p, i) => expectTheOutageSaidOnce(p.warningLines().slice(linesBefore[i])));
  }, 120_000);
});

/**
 * From the kill to the end of the recovery a process says once that Redis is gone, however many
 * jobs met the outage (dozens of messages, replies, retries and jobs Redis lost did): no warning
 * repeats per job, or per queue.
 */
function expectTheOutageSaidOnce(lines: LoggedLine[]) {
  const warnings = lines.filter((l) => l.level >= 40);
  expect(warnings.filter((l) => l.msg.startsWith('queue transport unreachable'))).toHaveLength(1);
  const counts = new Map<string, number>();
  for (const line of warnings) {
    const key = [line.msg, line.queue, line.work].filter(Boolean).join(' · ');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  expect([...counts].filter(([, n]) => n > 1).map(([key, n]) => `${key} ×${n}`)).toEqual([]);
}

describe('the web role while Redis is down', () => {
  let env: TestEnv;
  let telegram: FakeTelegram;
  let redis: PrivateRedis;
  let app: App;

  beforeAll(async () => {
    env = await createTestEnv();
    telegram = await startFakeTelegram();
    redis = await startPrivateRedis();
    // The web role never sends, so the Cloud API root is never called.
    const config = { ...telegramConfig(telegram), ...whatsappCloudConfig({ apiRoot: 'http://127.0.0.1:9' }) };
    app = await startTestApp(env, { role: 'web', config, redisUrl: redis.url });
  });
  afterAll(async () => {
    await app?.close();
    await telegram?.close();
    await redis?.stop();
    await env?.dispose();
  });

  const readyz = async () => {
    const res = await fetch(`${app.url}/readyz`);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const timed = async <T>(call: () => Promise<T>) => {
    const started = performance.now();
    const value = await call();
    return { value, ms: performance.now() - started };
  };

  it('names the queue as the degraded part in /readyz, and recovers with it', async () => {
    await until('ready', async () => (await readyz()).status === 200, 10_000);
    expect((await readyz()).body).toMatchObject({ postgres: true, queue: true, degraded: [] });

    await redis.kill();
    expect(await readyz()).toEqual({ status: 503, body: { postgres: true, queue: false, transport: 'redis', degraded: ['queue'] } });

    await redis.restart();
    await until('ready again', async () => (await readyz()).status === 200, 10_000);
  });

  it('answers the web chat and the Cloud API webhook at once, with the message stored', async () => {
    await redis.kill();
    // A conversation starts without Redis too: sessions live in Postgres, and a limit Redis cannot count is skipped.
    const session = await timed(() => openChatSession(app.url!));
    expect(session.ms).toBeLessThan(WEBHOOK_BOUND_MS);
    const chat = await timed(() => postChatMessage(app.url!, { session: session.value, text: 'halo' }));
    expect(chat.value).toEqual({ status: 202, body: { accepted: true, duplicate: false } });
    expect(chat.ms).toBeLessThan(WEBHOOK_BOUND_MS);
    const cloud = await timed(() => postCloudWebhook(app.url!, cloudWebhook({ messages: [cloudText({ from: '6281298765432', id: nextWamid(), text: 'halo' })] })));
    expect(cloud.value).toBe(200);
    expect(cloud.ms).toBeLessThan(WEBHOOK_BOUND_MS);

    const stored = await app.ctx.db.sql<{ channel: string }[]>`select channel from messages where processed_at is null order by id`;
    expect(stored.map((m) => m.channel)).toEqual(['web', 'whatsapp-cloud']);
    await redis.restart();
  });
});

describe('the enqueue helper and transport health', () => {
  let redis: PrivateRedis;
  let transport: Transport;
  const { log, lines } = captureLog('debug');
  const said = (words: string) => lines.filter((l) => l.msg.includes(words)).length;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    transport = await createTransport({ kind: 'redis', url: redis.url, prefix: '{outage-test}' }, log);
  });
  afterAll(async () => {
    await transport?.close();
    await redis?.stop();
  });

  it('skips the queue while Redis is down and offers the skipped jobs again when it is back, logging the outage once and its end once', async () => {
    const enqueue = createEnqueue(transport, { log, timeoutMs: 300 });
    await until('the transport to connect', () => transport.up, 10_000);
    expect(await enqueue([inboundJob(1, 1)])).toBe(true);

    await redis.kill();
    await until('the transport to notice', () => !transport.up, 5_000);
    for (let i = 2; i < 50; i++) expect(await enqueue([inboundJob(1, i)])).toBe(false);

    await redis.restart();
    await until('the transport to come back', () => transport.up, 5_000);
    expect(await enqueue([inboundJob(1, 50)])).toBe(true);
    expect(said('queue transport unreachable')).toBe(1);
    expect(said('queue transport reachable again')).toBe(1);
    expect(said('enqueue did not complete')).toBe(0);
    // Redis came back empty; what this process skipped meanwhile is offered again by itself, without
    // waiting for a relay that may run elsewhere.
    const inbound = transport.queue('inbound');
    await until('the skipped jobs to be enqueued again', async () => (await inbound.getJobCounts('wait')).wait === 49, 5_000);
    expect(await inbound.getJob('in-1')).toBeUndefined();
  });

  it('gives up on a hung Redis after the bounded wait, warning once for the whole spell', async () => {
    const enqueue = createEnqueue(transport, { log, timeoutMs: 300 });
    redis.pause();
    try {
      const answers = await Promise.all(
        Array.from({ length: 20 }, async (_, i) => {
          const started = performance.now();
          const taken = await enqueue([inboundJob(2, i + 1)]);
          return { taken, ms: performance.now() - started };
        }),
      );
      for (const answer of answers) {
        expect(answer.taken).toBe(false);
        expect(answer.ms).toBeLessThan(WEBHOOK_BOUND_MS);
      }
      expect(said('enqueue did not complete')).toBe(1);
    } finally {
      redis.resume();
    }
    await until('the queue to take jobs again', () => enqueue([inboundJob(2, 100)]), 5_000);
  });
});
