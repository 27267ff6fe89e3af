/**
 * The console in the production shape: NODE_ENV=production and an https PUBLIC_URL, the server
 * itself reached over plain HTTP (a TLS proxy in front terminates HTTPS). The session cookie is
 * Secure only when the request came over HTTPS; a fixed Secure cookie made @fastify/session drop
 * the session on every plain-HTTP request, so login answered 200 and the next call 401.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { ConsoleClient, createStaff, startConsoleApp } from './support.js';

describe('the console in production behind a TLS proxy', () => {
  let env: TestEnv;
  let app: App;

  beforeAll(async () => {
    env = await createTestEnv();
    app = await startConsoleApp(env, { config: { NODE_ENV: 'production', PUBLIC_URL: 'https://aduan.example.go.id' } });
  });
  afterAll(async () => {
    await app?.close();
    await env?.dispose();
  });

  it('keeps the session after login over the plain HTTP the proxy speaks', async () => {
    const staff = await createStaff(app, { role: 'petugas' });
    const client = new ConsoleClient(app.url!);
    const login = await client.login(staff.email, staff.password);
    expect(login.status).toBe(200);
    const cookie = login.headers.getSetCookie().find((c) => c.startsWith('kanal_console=')) ?? '';
    expect(cookie).toMatch(/kanal_console=/);
    // Reached over plain HTTP, so not Secure (a browser would not send a Secure cookie back here).
    expect(cookie).not.toMatch(/;\s*Secure/i);
    expect(cookie).toMatch(/HttpOnly/i);
    // @fastify/session's 'auto' makes a plain-HTTP cookie Lax; the CSRF header token is still required.
    expect(cookie).toMatch(/SameSite=(Lax|Strict)/i);
    const me = await client.get('/me');
    expect(me.status).toBe(200);
    expect(me.body.email ?? me.body.staff?.email).toBe(staff.email);
  });
});
