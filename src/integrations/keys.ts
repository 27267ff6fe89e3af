/**
 * API keys for a dinas's own systems: the status-update endpoint and Open311 POST. A key is shown
 * once when made; only its SHA-256 is stored (32 random bytes need no slow hash).
 */
import { createHash, randomBytes } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import * as t from '../db/schema.js';

export interface IntegrationClient {
  keyId: number;
  dinasId: number;
  name: string;
}

const hashKey = (key: string) => createHash('sha256').update(key).digest('hex');

export async function createIntegrationKey(db: Db, dinasId: number, name: string): Promise<{ id: number; key: string }> {
  const key = `kak_${randomBytes(32).toString('base64url')}`;
  const [row] = await db.insert(t.integrationKeys).values({ dinasId, name, keyHash: hashKey(key) }).returning({ id: t.integrationKeys.id });
  return { id: row.id, key };
}

/** The client behind a key, or null for an unknown or revoked one. */
export async function authenticateKey(db: Db, key: string | undefined): Promise<IntegrationClient | null> {
  if (!key) return null;
  const [row] = await db
    .select({ keyId: t.integrationKeys.id, dinasId: t.integrationKeys.dinasId, name: t.integrationKeys.name })
    .from(t.integrationKeys)
    .where(and(eq(t.integrationKeys.keyHash, hashKey(key)), isNull(t.integrationKeys.revokedAt)));
  return row ?? null;
}

/** An endpoint of a dinas's system for signed case events; the secret is generated unless given. */
export async function addWebhookEndpoint(
  db: Db | Tx,
  args: { dinasId: number; url: string; secret?: string; eventTypes?: string[] },
): Promise<{ id: number; secret: string }> {
  const secret = args.secret ?? `whsec_${randomBytes(32).toString('base64url')}`;
  const [row] = await db
    .insert(t.webhookEndpoints)
    .values({ dinasId: args.dinasId, url: args.url, secret, eventTypes: args.eventTypes ?? [] })
    .returning({ id: t.webhookEndpoints.id });
  return { id: row.id, secret };
}
