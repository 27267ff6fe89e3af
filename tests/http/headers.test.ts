/**
 * Security headers on every answer (@fastify/helmet): a Content-Security-Policy that allows
 * scripts and styles only from this server or with the answer's own nonce, never framed, no
 * sniffing; HSTS only where the product is served over HTTPS.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { createTestEnv, startTestApp, type TestEnv } from '../support/env.js';

let env: TestEnv;
let app: App;

beforeAll(async () => {
  env = await createTestEnv();
  app = await startTestApp(env);
});
afterAll(async () => {
  await app?.close();
  await env?.dispose();
});

function policy(header: string | null): Map<string, string[]> {
  return new Map((header ?? '').split(';').map((d) => d.trim().split(/\s+/)).filter((d) => d[0]).map(([name, ...values]) => [name, values]));
}

describe('every answer', () => {
  it.each([
    ['the web chat page', '/chat', 200],
    ['the privacy notice', '/privasi', 200],
    ['the console', '/console', 200],
    ['a console API call without a session', '/api/v1/me', 401],
    ['Open311', '/open311/v2/services.json', 200],
    ['a web chat poll without a session', '/chat/api/messages', 401],
    ['an unknown address', '/tidak-ada', 404],
    ['the health probe', '/healthz', 200],
  ])('%s carries the security headers', async (_name, path, status) => {
    const answer = await fetch(app.url + path);
    expect(answer.status).toBe(status);
    const csp = policy(answer.headers.get('content-security-policy'));
    expect(csp.get('default-src')).toEqual(["'self'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('script-src')?.filter((s) => !s.startsWith("'nonce-"))).toEqual(["'self'"]);
    expect(csp.get('style-src')?.filter((s) => !s.startsWith("'nonce-"))).toEqual(["'self'"]);
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    expect(answer.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(answer.headers.get('referrer-policy')).toBe('no-referrer');
    expect(answer.headers.get('x-powered-by')).toBeNull();
    // Plain HTTP here: no HSTS, no upgrade of requests.
    expect(answer.headers.get('strict-transport-security')).toBeNull();
    expect(csp.has('upgrade-insecure-requests')).toBe(false);
  });
});

describe('pages with inline script or style', () => {
  it.each([
    ['/chat', /<script nonce="([^"]+)">/, 'script-src'],
    ['/chat', /<style nonce="([^"]+)">/, 'style-src'],
    ['/privasi', /<style nonce="([^"]+)">/, 'style-src'],
    ['/console', /<script type="importmap" nonce="([^"]+)">/, 'script-src'],
  ])('%s carries a fresh nonce the policy names', async (path, pattern, directive) => {
    const nonces = [];
    for (let i = 0; i < 2; i++) {
      const answer = await fetch(app.url + path);
      const nonce = pattern.exec(await answer.text())?.[1];
      expect(nonce).toMatch(/^[0-9a-f]{32}$/);
      expect(policy(answer.headers.get('content-security-policy')).get(directive)).toContain(`'nonce-${nonce}'`);
      nonces.push(nonce);
    }
    expect(nonces[0]).not.toBe(nonces[1]);
  });
});

describe('over HTTPS', () => {
  it('adds HSTS and upgrades requests', async () => {
    const secure = await startTestApp(env, { role: 'web', config: { PUBLIC_URL: 'https://aduan.example.go.id' } });
    try {
      const answer = await fetch(`${secure.url}/chat`);
      expect(answer.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
      expect(policy(answer.headers.get('content-security-policy')).has('upgrade-insecure-requests')).toBe(true);
    } finally {
      await secure.close();
    }
  });
});
