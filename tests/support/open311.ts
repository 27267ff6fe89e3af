/** An Open311 client and a dinas's integration set-up, as a dinas's or a partner's system uses them. */
import { eq } from 'drizzle-orm';
import type { App } from '../../src/app.js';
import * as t from '../../src/db/schema.js';
import { addWebhookEndpoint, createIntegrationKey } from '../../src/integrations/keys.js';

export async function dinasId(app: App, code: string): Promise<number> {
  const [row] = await app.ctx.db.db.select({ id: t.dinas.id }).from(t.dinas).where(eq(t.dinas.code, code));
  return row.id;
}

/** An API key for the dinas with this code. */
export async function apiKeyFor(app: App, code: string, name = 'sistem-dinas'): Promise<string> {
  return (await createIntegrationKey(app.ctx.db.db, await dinasId(app, code), name)).key;
}

export async function webhookFor(app: App, code: string, url: string, options: { eventTypes?: string[]; secret?: string } = {}) {
  return addWebhookEndpoint(app.ctx.db.db, { dinasId: await dinasId(app, code), url, ...options });
}

export async function open311Get(app: App, path: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${app.url}/open311/v2/${path}`);
  return { status: res.status, body: await res.json() };
}

/** POST requests.json as JSON, or as the form body most Open311 clients send. */
export async function open311Post(app: App, fields: Record<string, string | number>, as: 'json' | 'form' = 'json'): Promise<{ status: number; body: any }> {
  const res = await fetch(`${app.url}/open311/v2/requests.json`, {
    method: 'POST',
    headers: { 'content-type': as === 'json' ? 'application/json' : 'application/x-www-form-urlencoded' },
    body: as === 'json' ? JSON.stringify(fields) : new URLSearchParams(Object.entries(fields).map(([k, v]) => [k, String(v)])).toString(),
  });
  return { status: res.status, body: await res.json() };
}

/** A status update from the dinas's system through the integration API. */
export async function postStatus(app: App, ticket: string, body: unknown, key: string | null): Promise<{ status: number; body: any }> {
  const res = await fetch(`${app.url}/api/v1/integrations/cases/${ticket}/status`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}
