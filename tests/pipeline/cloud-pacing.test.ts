/**
 * Templates to one WhatsApp Cloud user are spaced about 6 s apart, and that spacing must hold only
 * that user's replies. A citizen whose messages arrive more than 24 hours after they wrote them (a
 * webhook Meta delivered late) is answered with templates; while those wait their turn, another
 * citizen who writes is answered at once. With one conversation worker, a worker sleeping on the
 * first citizen's 6 s would hold the second citizen's answer until every template had gone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { eventually } from '../support/cases.js';
import { fileClock } from '../support/clock.js';
import { createTestEnv, startTestApp, waitForIdle, type TestEnv } from '../support/env.js';
import { startFakeGraph, type FakeGraph } from '../support/fake-graph.js';
import { cloudText, cloudTimestamp, cloudWebhook, nextWamid, postCloudWebhook, whatsappCloudConfig } from '../support/whatsapp-cloud.js';

const LATE = '6281255500001';
const PROMPT = '6281255500002';
/** Each answered with at least one reply: as many templates, 6 s apart. */
const LATE_SCRIPT = ['halo', '3', '0', 'bantuan'];

let env: TestEnv;
let graph: FakeGraph;
let app: App;

/** Message requests to `waId` the fake accepted, with their position among all requests. */
function sendsTo(waId: string) {
  return graph.requests
    .map((request, index) => ({ request, index, body: request.body as { to?: string; type?: string } }))
    .filter(({ request, body }) => request.status === 200 && /\/messages$/.test(request.path) && body.to === waId);
}

beforeAll(async () => {
  env = await createTestEnv();
  graph = await startFakeGraph();
  app = await startTestApp(env, { config: { ...whatsappCloudConfig(graph), WORKER_CONCURRENCY: '1' } });
});

afterAll(async () => {
  await app?.close();
  await graph?.close();
  await env?.dispose();
});

describe('WhatsApp Cloud template pacing', () => {
  it("holds only that user's replies: another citizen is answered while the templates wait their turn", async () => {
    const twoDaysAgo = new Date(fileClock.now().getTime() - 2 * 24 * 3_600_000);
    const late = LATE_SCRIPT.map((text) => cloudText({ from: LATE, id: nextWamid(), text, timestamp: cloudTimestamp(twoDaysAgo) }));
    expect(await postCloudWebhook(app.url!, cloudWebhook({ messages: late }))).toBe(200);
    await eventually('the first template to the late citizen', async () => sendsTo(LATE).length > 0);

    expect(await postCloudWebhook(app.url!, cloudWebhook({ messages: [cloudText({ from: PROMPT, id: nextWamid(), text: 'halo' })] }))).toBe(200);
    await waitForIdle(app);

    const toLate = sendsTo(LATE);
    const toPrompt = sendsTo(PROMPT);
    expect(toLate.length).toBeGreaterThanOrEqual(LATE_SCRIPT.length);
    expect(toLate.every(({ body }) => body.type === 'template')).toBe(true);
    expect(toPrompt.length).toBeGreaterThan(0);
    expect(toPrompt.every(({ body }) => body.type !== 'template')).toBe(true);
    // The prompt citizen's answer went out before the late citizen's templates were done.
    expect(toPrompt[0].index).toBeLessThan(toLate[toLate.length - 1].index);
  }, 120_000);
});
