/** The logged-in person as every console route sees them (`request.staff`). */
import { eq } from 'drizzle-orm';
import type { Actor } from '../cases/events.js';
import type { Db } from '../db/client.js';
import * as t from '../db/schema.js';
import type { StaffRole } from './accounts.js';

export interface StaffUser {
  id: number;
  name: string;
  email: string;
  role: StaffRole;
  dinasId: number | null;
  unitId: number | null;
  regionPrefix: string | null;
  lang: 'id' | 'en';
  mustChangePassword: boolean;
  totpEnabled: boolean;
  /** What to pass to the case service: scope is enforced there, in the queries. */
  actor: Extract<Actor, { kind: 'staff' }>;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the console's authentication hook on every /api/v1 route but login. */
    staff: StaffUser;
  }
}

/** The active account behind a session, or null (deactivated, deleted). */
export async function loadStaffUser(db: Db, staffId: number): Promise<StaffUser | null> {
  const [row] = await db.select().from(t.staff).where(eq(t.staff.id, staffId));
  if (!row || !row.active || !row.passwordHash) return null;
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    role: row.role,
    dinasId: row.dinasId,
    unitId: row.unitId,
    regionPrefix: row.regionPrefix,
    lang: row.lang,
    mustChangePassword: row.mustChangePassword,
    totpEnabled: row.totpSecret !== null,
    actor: { kind: 'staff', staffId: row.id, role: row.role, dinasId: row.dinasId, unitId: row.unitId, regionPrefix: row.regionPrefix },
  };
}
