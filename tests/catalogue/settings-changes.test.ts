/**
 * A catalogue edit is used by the bot at once in every process: two instances of the product on
 * one database (the console's web process, and the process whose worker answers citizens), an
 * edit in the first, and the citizen's next "syarat pkh" in the second shows it, long before the
 * 30-second cache would have expired.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { updateService } from '../../src/catalogue/edit/catalogue.js';
import type { Editor } from '../../src/catalogue/edit/change.js';
import { createTestEnv, startTestApp, type TestEnv } from '../support/env.js';
import { startFakeTelegram, type FakeTelegram } from '../support/fake-telegram.js';
import { citizenChat, telegramConfig } from '../support/telegram.js';

let env: TestEnv;
let telegram: FakeTelegram;
/** Where staff edit: the web role only, no workers. */
let consoleProcess: App;
/** Where the bot answers: its own database pool, listener and catalogue cache. */
let botProcess: App;

const editor: Editor = { dinasId: null, audit: async () => {} };
let say: (text: string) => Promise<string>;

beforeAll(async () => {
  env = await createTestEnv();
  telegram = await startFakeTelegram();
  botProcess = await startTestApp(env, { config: telegramConfig(telegram) });
  consoleProcess = await startTestApp(env, { role: 'web', config: telegramConfig(telegram) });
  say = citizenChat(botProcess, telegram, 8_100_001);
});

afterAll(async () => {
  await consoleProcess?.close();
  await botProcess?.close();
  await telegram?.close();
  await env?.dispose();
});

describe('settings changes reach every process', () => {
  it("changes the bot's next answer in the other process at once", async () => {
    await say('halo');
    await say('syarat');
    const first = await say('pkh');
    expect(first).toContain('Terdaftar di DTKS');
    // The bot process has the catalogue cached now.
    await botProcess.ctx.catalogue.get();

    const [pkh] = await consoleProcess.ctx.db.sql<{ id: number }[]>`select id from services where code = 'pkh'`;
    const arrived = botProcess.ctx.catalogue.nextInvalidation();
    await updateService(consoleProcess.ctx, editor, pkh.id, {
      requirements: { id: ['KTP-el', 'Kartu Keluarga', 'Surat keterangan domisili'], en: ['e-KTP', 'Family card', 'Proof of residence'] },
    });
    // The NOTIFY crossed to the other process's listener (the test waits for that event, never for time).
    await arrived;

    await say('2');
    const second = await say('pkh');
    expect(second).toContain('1. KTP-el\n2. Kartu Keluarga\n3. Surat keterangan domisili');
    expect(second).not.toContain('Terdaftar di DTKS');
  });

  it('reads the catalogue afresh after the listening connection was lost and came back', async () => {
    // Whatever was announced while the connection was down is never delivered: the reconnect itself invalidates.
    await botProcess.ctx.catalogue.get();
    const relistened = botProcess.ctx.catalogue.nextInvalidation();
    await consoleProcess.ctx.db.sql`
      select pg_terminate_backend(pid) from pg_stat_activity
      where datname = current_database() and query ilike 'listen%' and pid <> pg_backend_pid()`;
    await relistened;
  });
});
