/**
 * Fuzzing the public doors with fast-check: over 10,000 payloads, generated from the real ones in
 * the channel tables (tests/channels/telegram/update-table.ts, whatsapp-cloud/payload-table.ts)
 * and web chat bodies, then mutated — fields dropped, values of the wrong type, huge strings,
 * NUL, lone surrogates, right-to-left marks, deep nesting, numbers out of range, duplicated ids,
 * broken JSON, invalid UTF-8, odd content types — are posted to the Telegram webhook, the
 * WhatsApp Cloud API webhook (correctly signed, so the body is what gets tested) and the web
 * chat, while the workers step every conversation they reach. Every answer must be one the door
 * documents (never a 5xx), the process must stay up, everything that got in must be worked off
 * without stalling, and afterwards a fresh chat on each channel must be answered.
 *
 * Requests go through Fastify's `inject()` (the whole server, no sockets), many at once. A failing
 * run prints fast-check's seed and the shrunk payload recipe that broke it.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEBHOOK_PATH, WHATSAPP_CLOUD_WEBHOOK_PATH, type App } from '../../src/app.js';
import { TELEGRAM_UPDATES } from '../channels/telegram/update-table.js';
import { CLOUD_PAYLOADS } from '../channels/whatsapp-cloud/payload-table.js';
import { telegramCitizen, webChatCitizen, whatsappCloudCitizen } from '../support/citizens.js';
import { createTestEnv, startTestApp, waitForIdle, type TestEnv } from '../support/env.js';
import { signCloudPayload, startFakeGraph, type FakeGraph } from '../support/fake-graph.js';
import { startFakeTelegram, type FakeTelegram } from '../support/fake-telegram.js';
import { telegramConfig, WEBHOOK_SECRET } from '../support/telegram.js';
import { openChatSession, WEBCHAT_MESSAGES_PATH } from '../support/webchat.js';
import { CLOUD, cloudTimestamp, whatsappCloudConfig } from '../support/whatsapp-cloud.js';

type Door = 'telegram' | 'whatsapp-cloud' | 'web';

/** Payloads per door: 10,200 in all. */
const RUNS: Record<Door, number> = { telegram: 4_000, 'whatsapp-cloud': 3_600, web: 2_600 };
/** Payloads posted at once: one fast-check run. */
const BATCH = 50;

/**
 * What each door may answer. Telegram: 200 (taken, or ignored as not for us), 400 (not an update,
 * not JSON), 413 (over the body limit), 415 (not JSON at all). Cloud: the same, the signature being
 * right. Web chat: 202 (taken), 400, 401 (no live session in the header), 413, 415, and 429 from its rate limit.
 */
const EXPECTED: Record<Door, number[]> = {
  telegram: [200, 400, 413, 415],
  'whatsapp-cloud': [200, 400, 413, 415],
  web: [202, 400, 401, 413, 415, 429],
};

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = (string | number)[];

// --- What goes into a payload -------------------------------------------------------------------

/** Characters that have broken text handling somewhere: NUL and controls, lone surrogates, bidi marks, BOM, emoji sequences. */
const trickyChar = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c)) },
  { weight: 2, arbitrary: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)) },
  { weight: 1, arbitrary: fc.constantFrom('\u202e', '\u202d', '\u200f', '\u200e', '\u2066', '\u2069', '\ufeff', '\uffff', '\u200b', '\u0301') },
  { weight: 1, arbitrary: fc.constantFrom('👨‍👩‍👧‍👦', '🇮🇩', 'مرحبا', '日本', 'ꦲꦤꦕꦫꦏ') },
);
const trickyString = fc.array(trickyChar, { maxLength: 40 }).map((chars) => chars.join(''));
/** Texts a citizen or an attacker might send, NIK-shaped numbers and format strings included. */
const pointedString = fc.constantFrom(
  '',
  ' ',
  '\u0000',
  'halo\u0000',
  'lapor',
  'menu',
  '0',
  '1',
  'batal',
  'cek status',
  'hapus data saya',
  '3273014101900001',
  'NIK saya 3273014101900001 tolong',
  "'; drop table messages; --",
  '%s%s%n',
  '${process.exit()}',
  '{{1}}',
  '<script>alert(1)</script>',
  '\u202eRTL override',
  '../../etc/passwd',
);
/** Long enough to meet the text caps (8,000 characters, 200,000 for the web chat) and the 1 MiB body limit. */
const hugeString = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom('A', 'é', '🙂', '\u0000', '\ud800').map((unit) => unit.repeat(8_001)) },
  { weight: 2, arbitrary: fc.constantFrom('A', 'é').map((unit) => unit.repeat(200_001)) },
  { weight: 1, arbitrary: fc.constant('A'.repeat(1_100_000)) },
);

const oddNumber = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: false }),
  fc.constantFrom(0, -1, -0, 0.5, 2 ** 31, 2 ** 32, 2 ** 53, 2 ** 53 + 2, -(2 ** 63), 1e21, 1e308, -1e308, 5e-324, Number.MAX_SAFE_INTEGER),
);
/** Written into the JSON text as is: out of range for a double, or not JSON at all. */
const rawNumber = fc.constantFrom('1e999', '-1e999', '123456789012345678901234567890', '0.0000000000000000000000001e-400', '-0', '1E+2', '0x10', 'NaN', 'Infinity', '01');

const oddValue: fc.Arbitrary<Json> = fc.oneof(
  { weight: 3, arbitrary: trickyString },
  { weight: 3, arbitrary: pointedString },
  { weight: 3, arbitrary: oddNumber },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.constantFrom<Json>([], {}, [null], { id: null }, [[[]]], { '': '' }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json> },
);

/** One change to a payload; `at` picks a node among all of the payload's nodes (modulo their count). */
type Mutation =
  | { op: 'drop'; at: number }
  | { op: 'set'; at: number; value: Json }
  | { op: 'text'; value: string }
  | { op: 'huge'; at: number; value: string }
  | { op: 'deep'; at: number; depth: number; kind: 'array' | 'object' }
  | { op: 'number'; at: number; literal: string }
  | { op: 'duplicateKey'; key: string; value: Json }
  | { op: 'proto' };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 16, arbitrary: fc.record({ op: fc.constant('drop' as const), at: fc.nat() }) },
  { weight: 24, arbitrary: fc.record({ op: fc.constant('set' as const), at: fc.nat(), value: oddValue }) },
  { weight: 20, arbitrary: fc.record({ op: fc.constant('text' as const), value: fc.oneof(trickyString, pointedString) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('huge' as const), at: fc.nat(), value: hugeString }) },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('deep' as const),
      at: fc.nat(),
      depth: fc.oneof({ weight: 9, arbitrary: fc.integer({ min: 2, max: 200 }) }, { weight: 1, arbitrary: fc.constantFrom(5_000, 100_000) }),
      kind: fc.constantFrom('array' as const, 'object' as const),
    }),
  },
  { weight: 6, arbitrary: fc.record({ op: fc.constant('number' as const), at: fc.nat(), literal: rawNumber }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('duplicateKey' as const), key: fc.constantFrom('update_id', 'message', 'entry', 'object', 'session', 'id', 'text'), value: oddValue }) },
  { weight: 2, arbitrary: fc.constant({ op: 'proto' as const }) },
);

/** What happens to the bytes after the JSON is written. */
type Envelope =
  | { kind: 'as-is' }
  | { kind: 'truncate'; keep: number }
  | { kind: 'invalid-utf8'; at: number }
  | { kind: 'bom' }
  | { kind: 'empty' }
  | { kind: 'not-json'; text: string }
  | { kind: 'content-type'; type: string };

const envelope: fc.Arbitrary<Envelope> = fc.oneof(
  { weight: 40, arbitrary: fc.constant({ kind: 'as-is' as const }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('truncate' as const), keep: fc.double({ min: 0, max: 1, noNaN: true }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('invalid-utf8' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'bom' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'empty' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('not-json' as const), text: fc.oneof(trickyString, fc.constantFrom('null', '"x"', '[]', '42', 'true', 'update_id=1', '<xml/>')) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('content-type' as const),
      type: fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=utf-16', 'application/JSON', 'multipart/form-data; boundary=x', 'application/octet-stream'),
    }),
  },
);

/** A payload as a recipe: which real payload, whose chat, which changes, how it is wrapped. Shrinks to the smallest that fails. */
interface Recipe {
  seed: number;
  /** Fresh ids (a new message) unless the payload repeats an earlier one. */
  fresh: boolean;
  chat: number;
  mutations: Mutation[];
  envelope: Envelope;
}

const recipe: fc.Arbitrary<Recipe> = fc.record({
  seed: fc.nat(),
  // Mostly repeats: a redelivery costs the door what a new message does, the conversation nothing.
  fresh: fc.oneof({ weight: 1, arbitrary: fc.constant(true) }, { weight: 3, arbitrary: fc.constant(false) }),
  chat: fc.nat({ max: 149 }),
  mutations: fc.oneof({ weight: 1, arbitrary: fc.constant<Mutation[]>([]) }, { weight: 4, arbitrary: fc.array(mutation, { minLength: 1, maxLength: 4 }) }),
  envelope,
});

// --- Turning a recipe into bytes --------------------------------------------------------------

/** Every node of a JSON tree, as the keys leading to it (the root is `[]`). */
function nodes(value: Json, path: Path = [], out: Path[] = []): Path[] {
  out.push(path);
  if (Array.isArray(value)) value.forEach((item, i) => nodes(item, [...path, i], out));
  else if (value !== null && typeof value === 'object') for (const [key, item] of Object.entries(value)) nodes(item, [...path, key], out);
  return out;
}

function parentOf(root: Json, path: Path): Json {
  let node = root;
  for (const key of path.slice(0, -1)) node = (node as Record<string | number, Json>)[key];
  return node;
}

/** Replaces the node at `path`; the root itself is replaced through the returned value. */
function replaceAt(root: Json, path: Path, value: Json): Json {
  if (path.length === 0) return value;
  (parentOf(root, path) as Record<string | number, Json>)[path[path.length - 1]] = value;
  return root;
}

function dropAt(root: Json, path: Path): Json {
  if (path.length === 0) return null;
  const parent = parentOf(root, path);
  const key = path[path.length - 1];
  if (Array.isArray(parent)) parent.splice(key as number, 1);
  else delete (parent as Record<string, Json>)[key as string];
  return root;
}

/** Markers replaced in the written JSON: what `JSON.stringify` cannot write (deep nesting, numbers out of range). */
const RAW = (n: number) => `@@raw${n}@@`;

/** Where each door keeps the citizen's text. */
const TEXT_PATHS: Record<Door, Path[]> = {
  telegram: [['message', 'text'], ['message', 'caption'], ['edited_message', 'text'], ['callback_query', 'data']],
  'whatsapp-cloud': [['entry', 0, 'changes', 0, 'value', 'messages', 0, 'text', 'body']],
  web: [['text']],
};

function hasPath(root: Json, path: Path): boolean {
  let node = root;
  for (const key of path) {
    if (node === null || typeof node !== 'object' || !(key in node)) return false;
    node = (node as Record<string | number, Json>)[key];
  }
  return true;
}

function nested(depth: number, kind: 'array' | 'object'): string {
  return kind === 'array' ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}

/** The bytes a recipe became, and the content type they are posted with (none: no header). */
interface Posted {
  body: Buffer;
  contentType: string | undefined;
}

function write(door: Door, recipe: Recipe, seeds: Json[], ids: (payload: Json, fresh: boolean, chat: number) => void): Posted {
  let payload = structuredClone(seeds[recipe.seed % seeds.length]);
  ids(payload, recipe.fresh, recipe.chat);
  const raws: string[] = [];
  const extraKeys: string[] = [];
  for (const m of recipe.mutations) {
    const all = nodes(payload);
    const at = 'at' in m ? all[m.at % all.length] : [];
    switch (m.op) {
      case 'drop':
        payload = dropAt(payload, at);
        break;
      case 'set':
        payload = replaceAt(payload, at, m.value);
        break;
      case 'huge':
        payload = replaceAt(payload, at, m.value);
        break;
      case 'text': {
        const path = TEXT_PATHS[door].find((p) => hasPath(payload, p));
        if (path) payload = replaceAt(payload, path, m.value);
        break;
      }
      case 'deep':
        raws.push(nested(m.depth, m.kind));
        payload = replaceAt(payload, at, RAW(raws.length - 1));
        break;
      case 'number':
        raws.push(m.literal);
        payload = replaceAt(payload, at, RAW(raws.length - 1));
        break;
      case 'duplicateKey':
        extraKeys.push(`${JSON.stringify(m.key)}:${JSON.stringify(m.value)}`);
        break;
      case 'proto':
        extraKeys.push('"__proto__":{"polluted":true}', '"constructor":{"prototype":{"polluted":true}}');
        break;
    }
  }
  let text = JSON.stringify(payload) ?? 'null';
  raws.forEach((raw, i) => (text = text.replace(JSON.stringify(RAW(i)), raw)));
  // Keys written before the object's own: JSON.parse keeps the later one, a careless parser the first.
  if (extraKeys.length && text.startsWith('{')) text = `{${extraKeys.join(',')}${text.length > 2 ? ',' : ''}${text.slice(1)}`;

  let body = Buffer.from(text, 'utf8');
  let contentType: string | undefined = 'application/json';
  const e = recipe.envelope;
  switch (e.kind) {
    case 'truncate':
      body = body.subarray(0, Math.floor(body.length * e.keep));
      break;
    case 'invalid-utf8': {
      const at = Math.floor(body.length * e.at);
      body = Buffer.concat([body.subarray(0, at), Buffer.from([0xff, 0xc3, 0x28, 0xed, 0xa0, 0x80]), body.subarray(at)]);
      break;
    }
    case 'bom':
      body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body]);
      break;
    case 'empty':
      body = Buffer.alloc(0);
      contentType = undefined;
      break;
    case 'not-json':
      body = Buffer.from(e.text, 'utf8');
      break;
    case 'content-type':
      contentType = e.type;
      break;
  }
  return { body, contentType };
}

// --- Real payloads, with their ids made fresh (or repeated) per recipe --------------------------

let nextId = 1;
const isRecord = (v: Json | undefined): v is Record<string, Json> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Telegram: update and message ids fresh or repeated; the sender's chat one of 150. */
function telegramIds(update: Json, fresh: boolean, chat: number) {
  if (!isRecord(update)) return;
  const chatId = 6_400_000 + chat;
  if (typeof update.update_id === 'number') update.update_id = fresh ? 900_000_000 + nextId++ : 900_000_000 + (chat % 7);
  const visit = (node: Json) => {
    if (Array.isArray(node)) node.forEach(visit);
    if (!isRecord(node)) return;
    if (typeof node.message_id === 'number') node.message_id = fresh ? nextId++ : 1 + (chat % 5);
    for (const who of ['chat', 'from'] as const) {
      const party = node[who];
      if (isRecord(party) && party.is_bot !== true && typeof party.id === 'number' && party.id > 0) party.id = chatId;
    }
    Object.values(node).forEach(visit);
  };
  visit(update);
}

/**
 * Cloud API: wamids fresh or repeated; the sender one of 150 numbers; sent now (the table's 2024
 * timestamps are outside the 24-hour window, which would make every reply a paced template).
 */
function cloudIds(body: Json, fresh: boolean, chat: number) {
  const waId = `62812${String(4_000_000 + chat)}`;
  const visit = (node: Json) => {
    if (Array.isArray(node)) node.forEach(visit);
    if (!isRecord(node)) return;
    if (Array.isArray(node.messages)) {
      for (const m of node.messages) {
        if (!isRecord(m)) continue;
        if (typeof m.id === 'string') m.id = fresh ? `wamid.fuzz${nextId++}` : `wamid.fuzz-repeat${chat % 5}`;
        if (typeof m.from === 'string') m.from = waId;
        if (typeof m.timestamp === 'string') m.timestamp = cloudTimestamp();
      }
    }
    if (Array.isArray(node.contacts)) for (const c of node.contacts) if (isRecord(c) && typeof c.wa_id === 'string') c.wa_id = waId;
    Object.values(node).forEach(visit);
  };
  visit(body);
}

/** 150 web chat sessions, opened before the run as the page opens one. */
const webSessions: string[] = [];
const repeatedIds = Array.from({ length: 5 }, () => randomUUID());

/**
 * Web chat: one of 150 sessions, written into the body as `session` and carried from there to the
 * `X-Chat-Session` header (the endpoint ignores the body field), so mutations of it fuzz the header;
 * message ids fresh or repeated.
 */
function webIds(body: Json, fresh: boolean, chat: number) {
  if (!isRecord(body)) return;
  body.session = webSessions[chat];
  body.id = fresh ? randomUUID() : repeatedIds[chat % 5];
}

const WEB_SEEDS: Json[] = [
  { session: '', id: '', text: 'halo' },
  { session: '', id: '', text: 'lapor' },
  { session: '', id: '', text: 'Jalan di depan SDN 3 rusak parah sejak bulan lalu' },
  { session: '', id: '', text: 'cek status' },
  { session: '', id: '', text: '3' },
];

/** The body's `session`, when it is still a string a header can carry (mutations make it anything). */
function webSessionHeader(body: Buffer): Record<string, string> {
  try {
    const session = (JSON.parse(body.toString('utf8')) as { session?: unknown }).session;
    return typeof session === 'string' && /^[\x21-\x7e]{1,500}$/.test(session) ? { 'x-chat-session': session } : {};
  } catch {
    return {};
  }
}

// --- The run ------------------------------------------------------------------------------------

let env: TestEnv;
let telegram: FakeTelegram;
let graph: FakeGraph;
let app: App;

/** Where a door is, the real payloads it is fed from, and what its requests carry besides the body. */
interface DoorSetup {
  path: string;
  seeds: Json[];
  ids: (payload: Json, fresh: boolean, chat: number) => void;
  headers(body: Buffer): Record<string, string>;
}

const DOORS: Record<Door, DoorSetup> = {
  telegram: {
    path: WEBHOOK_PATH,
    seeds: TELEGRAM_UPDATES.map((row) => row.update as Json),
    ids: telegramIds,
    headers: () => ({ 'x-telegram-bot-api-secret-token': WEBHOOK_SECRET }),
  },
  'whatsapp-cloud': {
    path: WHATSAPP_CLOUD_WEBHOOK_PATH,
    seeds: CLOUD_PAYLOADS.map((row) => row.body as Json),
    ids: cloudIds,
    headers: (body) => ({ 'x-hub-signature-256': signCloudPayload(body, CLOUD.appSecret) }),
  },
  web: { path: WEBCHAT_MESSAGES_PATH, seeds: WEB_SEEDS, ids: webIds, headers: webSessionHeader },
};

const sent: Record<Door, number> = { telegram: 0, 'whatsapp-cloud': 0, web: 0 };
const answers: Record<Door, Map<number, number>> = { telegram: new Map(), 'whatsapp-cloud': new Map(), web: new Map() };

async function post(door: Door, request: Posted): Promise<{ status: number; body: string }> {
  const res = await app.http!.inject({
    method: 'POST',
    url: DOORS[door].path,
    headers: { ...(request.contentType ? { 'content-type': request.contentType } : {}), ...DOORS[door].headers(request.body) },
    payload: request.body,
  });
  sent[door]++;
  answers[door].set(res.statusCode, (answers[door].get(res.statusCode) ?? 0) + 1);
  return { status: res.statusCode, body: res.body };
}

beforeAll(async () => {
  env = await createTestEnv();
  telegram = await startFakeTelegram();
  graph = await startFakeGraph();
  app = await startTestApp(env, {
    config: {
      ...telegramConfig(telegram),
      ...whatsappCloudConfig(graph),
      // The fuzz sends thousands of replies; the per-second caps would only make the run long.
      WHATSAPP_CLOUD_MAX_PER_SECOND: '100000',
      TELEGRAM_MAX_PER_SECOND: '100000',
    },
  });
  for (let i = 0; i < 150; i++) webSessions.push(await openChatSession(app.url!));
});

afterAll(async () => {
  await app?.close();
  await telegram?.close();
  await graph?.close();
  await env?.dispose();
});

describe('fuzzing the webhooks and the web chat', () => {
  for (const door of ['telegram', 'whatsapp-cloud', 'web'] as const) {
    it(`answers ${RUNS[door]} generated and mutated ${door} payloads with expected codes only`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(recipe, { minLength: BATCH, maxLength: BATCH }), async (batch) => {
          const results = await Promise.all(batch.map((r) => post(door, write(door, r, DOORS[door].seeds, DOORS[door].ids))));
          for (const { status, body } of results) {
            if (!EXPECTED[door].includes(status)) throw new Error(`${door} answered ${status}: ${body.slice(0, 300)}`);
          }
        }),
        { numRuns: RUNS[door] / BATCH },
      );
      // The doors took some payloads in, not only refused them: the pipeline behind them was exercised.
      expect(answers[door].get(door === 'web' ? 202 : 200) ?? 0).toBeGreaterThan(RUNS[door] / 10);
    }, 300_000);
  }

  it('sent over 10,000 payloads in all, and the server is still up', async () => {
    expect(sent.telegram + sent['whatsapp-cloud'] + sent.web).toBeGreaterThanOrEqual(10_000);
    const health = await app.http!.inject({ method: 'GET', url: '/healthz' });
    expect(health.statusCode).toBe(200);
  });

  it('works off everything that got in without stalling, and answers a fresh chat on each channel', async () => {
    // Fails when nothing moved for 30 s: a chat stuck behind a poisoned message would show here.
    await waitForIdle(app, 30_000);
    const fresh = [telegramCitizen(app, telegram, 6_499_999), whatsappCloudCitizen(app, graph, '6281249999999'), await webChatCitizen(app)];
    for (const citizen of fresh) {
      const replies = await citizen.say('halo');
      expect(replies.join('\n'), citizen.channel).toContain('Kanal Aduan');
    }
  }, 300_000);
});
