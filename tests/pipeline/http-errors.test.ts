/**
 * The server's own error answer: a failure inside a route is logged by its kind and answered with
 * a generic message (never the error's text, which can quote SQL parameters or paths); a client's
 * mistake keeps its 4xx and reason.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { buildServer } from '../../src/http/server.js';
import { createTestEnv, startTestApp, type TestEnv } from '../support/env.js';

let env: TestEnv;
let app: App;

beforeAll(async () => {
  env = await createTestEnv();
  app = await startTestApp(env, { role: 'web' });
});
afterAll(async () => {
  await app?.close();
  await env?.dispose();
});

it('answers a failure inside a route with a generic 500, not its message', async () => {
  const server = await buildServer(app.ctx);
  server.get('/boom', async () => {
    throw new Error('insert into citizens values ($1) params: 3273014506900002, Jl. Melati 5');
  });
  const answer = await server.inject({ method: 'GET', url: '/boom' });
  expect(answer.statusCode).toBe(500);
  expect(answer.json()).toEqual({ error: 'internal', message: 'Something went wrong on our side; please try again.' });
  expect(answer.body).not.toContain('3273014506900002');
  await server.close();
});

it("keeps a client's mistake a 4xx with its reason", async () => {
  const answer = await fetch(`${app.url}/chat/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"session": ' });
  expect(answer.status).toBe(400);
  expect(await answer.json()).toMatchObject({ error: 'bad_request', message: expect.stringMatching(/JSON/i) });
});
