import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type { WhatsAppWebState } from '../../../src/channels/whatsapp-web/connection.js';
import { registerWhatsAppQrRoute } from '../../../src/channels/whatsapp-web/qr-route.js';

const TOKEN = 'b7c1e0f2a9d84c6e9f3a5b1d2c7e8f90';
const QR = '2@Fh3kVq9yQm6b1xYcZ0pL8sT7dW5rN4aJ2eG1uI0oK9=,kT5yR8wQ2nB4vC6xZ1mL3jH7gF9dS0aP=,3vX9yB2nM4kL6jH8gF0dS1aQ==';
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const apps: ReturnType<typeof Fastify>[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

function appWith(state: WhatsAppWebState, { adminToken }: { adminToken?: string } = { adminToken: TOKEN }) {
  const app = Fastify();
  apps.push(app);
  registerWhatsAppQrRoute(app, { adminToken, connection: { state, qr: state === 'qr' ? QR : undefined } });
  return app;
}

const bearer = { authorization: `Bearer ${TOKEN}` };

describe('GET /admin/whatsapp/qr', () => {
  it.each([
    { name: 'no Authorization header', headers: {} },
    { name: 'a wrong token', headers: { authorization: 'Bearer not-the-token' } },
    { name: 'a token one character short', headers: { authorization: `Bearer ${TOKEN.slice(0, -1)}` } },
    { name: 'another scheme', headers: { authorization: `Basic ${TOKEN}` } },
  ])('answers 401 to $name', async ({ headers }) => {
    const response = await appWith('qr').inject({ method: 'GET', url: '/admin/whatsapp/qr', headers });
    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer');
    expect(response.headers['content-type']).not.toContain('image/png');
  });

  it('does not exist when no admin token is configured', async () => {
    for (const url of ['/admin/whatsapp/qr', '/admin/whatsapp/status']) {
      const response = await appWith('qr', {}).inject({ method: 'GET', url, headers: bearer });
      expect(response.statusCode).toBe(404);
    }
  });

  it('serves the QR as a PNG that is never cached while waiting for a scan', async () => {
    const response = await appWith('qr').inject({ method: 'GET', url: '/admin/whatsapp/qr', headers: bearer });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('image/png');
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.rawPayload.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  });

  it('says so when already linked', async () => {
    const response = await appWith('ready').inject({ method: 'GET', url: '/admin/whatsapp/qr', headers: bearer });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ state: 'ready' });
  });

  const notLinkable = ['starting', 'authenticated', 'disconnected', 'auth_failure', 'stopped'] as const;
  it.each(notLinkable)('answers 503 with the state when %s', async (state) => {
    const response = await appWith(state).inject({ method: 'GET', url: '/admin/whatsapp/qr', headers: bearer });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({ state });
  });
});

describe('GET /admin/whatsapp/status', () => {
  it('reports the connection state to an admin', async () => {
    const response = await appWith('disconnected').inject({ method: 'GET', url: '/admin/whatsapp/status', headers: bearer });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ state: 'disconnected' });
  });

  it('is behind the same token', async () => {
    const response = await appWith('ready').inject({ method: 'GET', url: '/admin/whatsapp/status' });
    expect(response.statusCode).toBe(401);
  });
});
