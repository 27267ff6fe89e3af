/**
 * The settings a case's opening and its moves read — dinas, routing rules, SLA policies, holidays,
 * notification targets, webhook endpoints — kept in memory, one copy per process. Staff edit them
 * seldom and a case reads them all: read each time, they were 7 of the 15 statements a case's
 * opening cost, inside the step's transaction.
 *
 * Kept, not trusted: every write to those tables moves `settings_version` on to a new number from
 * a sequence, by statement triggers (migration 0028), whoever writes (the console, a seed, psql, a
 * test). A transaction compares that number with the copy's before it uses the copy, and reads the
 * settings afresh, in one statement, when they differ. The number is read inside a statement sent
 * anyway (the read of a batch's chats, which may open cases), or on its own where none is at hand:
 * an edit counts from the first batch or case move that begins after its commit.
 *
 * The catalogue the conversation searches (src/catalogue/search.ts) is dropped on the console's
 * NOTIFY instead: it is read outside any transaction, where a version would cost a statement of its
 * own. Triggers do not fire under `session_replication_role = replica` (a `pg_restore
 * --disable-triggers`): restart the processes after such a load.
 */
import { sql } from 'drizzle-orm';
import type { Tx } from '../db/client.js';
import type * as t from '../db/schema.js';

export interface RoutingRule {
  id: number;
  categoryCode: string | null;
  serviceCode: string | null;
  regionPrefix: string | null;
  dinasId: number;
  unitId: number | null;
}

export interface SlaPolicy {
  verifyDays: number;
  followUpDays: number;
  closeAfterDays: number;
}

type PolicyRow = SlaPolicy & { dinasId: number | null; categoryCode: string | null };
export type NotificationTarget = typeof t.notificationTargets.$inferSelect;

export interface CaseSettings {
  version: string;
  /** Routing rules in the order they are tried (priority, then id). */
  rules: RoutingRule[];
  dinas: Map<number, { regionCode: string; timeZone: string }>;
  policies: PolicyRow[];
  /** Public holidays, cuti bersama and local holidays (local dates); not the cancelled ones. */
  holidays: ReadonlySet<string>;
  /** Active notification targets. */
  targets: NotificationTarget[];
  /** Active webhook endpoints. */
  endpoints: { id: number; dinasId: number; eventTypes: string[] }[];
}

/** The settings as `tx` sees them, with the version they are at, in one statement. */
export async function loadCaseSettings(tx: Tx): Promise<CaseSettings> {
  const [row] = (await tx.execute(sql`
    select
      (select version::text from settings_version) as version,
      coalesce((select json_agg(json_build_object('id', r.id, 'categoryCode', r.category_code, 'serviceCode', r.service_code,
        'regionPrefix', r.region_prefix, 'dinasId', r.dinas_id, 'unitId', r.unit_id) order by r.priority, r.id) from routing_rules r), '[]') as rules,
      coalesce((select json_agg(json_build_object('id', d.id, 'regionCode', d.region_code, 'timeZone', coalesce(d.staff_availability->>'timeZone', 'Asia/Jakarta'))) from dinas d), '[]') as dinas,
      coalesce((select json_agg(json_build_object('dinasId', p.dinas_id, 'categoryCode', p.category_code, 'verifyDays', p.verify_days,
        'followUpDays', p.follow_up_days, 'closeAfterDays', p.close_after_days) order by p.id) from sla_policies p), '[]') as policies,
      coalesce((select json_agg(h.day::text) from holidays h where h.kind <> 'cancelled'), '[]') as holidays,
      coalesce((select json_agg(json_build_object('id', n.id, 'dinasId', n.dinas_id, 'unitId', n.unit_id, 'kind', n.kind, 'address', n.address,
        'eventTypes', n.event_types, 'audience', n.audience, 'active', n.active, 'createdAt', n.created_at) order by n.id) from notification_targets n where n.active), '[]') as targets,
      coalesce((select json_agg(json_build_object('id', w.id, 'dinasId', w.dinas_id, 'eventTypes', w.event_types) order by w.id) from webhook_endpoints w where w.active), '[]') as endpoints
  `)) as unknown as {
    version: string;
    rules: RoutingRule[];
    dinas: { id: number; regionCode: string; timeZone: string }[];
    policies: PolicyRow[];
    holidays: string[];
    targets: (Omit<NotificationTarget, 'createdAt'> & { createdAt: string })[];
    endpoints: CaseSettings['endpoints'];
  }[];
  return {
    version: row.version,
    rules: row.rules,
    dinas: new Map(row.dinas.map(({ id, regionCode, timeZone }) => [id, { regionCode, timeZone }])),
    policies: row.policies,
    holidays: new Set(row.holidays),
    targets: row.targets.map((target) => ({ ...target, createdAt: new Date(target.createdAt) })),
    endpoints: row.endpoints,
  };
}

export class CaseSettingsCache {
  private held: CaseSettings | null = null;
  /** Each transaction compares the version once. */
  private readonly checked = new WeakMap<Tx, Promise<CaseSettings>>();
  /** Versions read by a transaction in a statement it sent for other reasons (`noteVersion`). */
  private readonly noted = new WeakMap<Tx, string>();

  /** `tx` has read `settings_version` (in a statement of its own): `within` need not read it again. */
  noteVersion(tx: Tx, version: string): void {
    this.noted.set(tx, version);
  }

  /** The settings as `tx` sees them; the version read here unless the transaction noted it. */
  within(tx: Tx): Promise<CaseSettings> {
    let found = this.checked.get(tx);
    if (!found) {
      found = this.check(tx, this.noted.get(tx));
      this.checked.set(tx, found);
      // A failed statement fails its transaction; nothing is kept for it.
      found.catch(() => this.checked.delete(tx));
    }
    return found;
  }

  private async check(tx: Tx, version?: string): Promise<CaseSettings> {
    version ??= ((await tx.execute(sql`select version::text as version from settings_version`)) as unknown as { version: string }[])[0].version;
    if (this.held?.version === version) return this.held;
    // The copy is always the last one read. One read by a transaction that began before an edit is
    // older, and the next transaction reads afresh; one read by a transaction that edited the
    // settings itself carries a version no other transaction will see if it rolls back (the
    // numbers come from a sequence).
    this.held = await loadCaseSettings(tx);
    return this.held;
  }
}

/** The first rule that matches the report (category, service, the NIK's region), with its dinas. */
export function route(settings: CaseSettings, report: { categoryCode: string; serviceCode?: string | null }, regionCode: string | null) {
  const match = settings.rules.find(
    (rule) =>
      (rule.categoryCode === null || rule.categoryCode === report.categoryCode) &&
      (rule.serviceCode === null || rule.serviceCode === report.serviceCode) &&
      (rule.regionPrefix === null || (regionCode ?? '').startsWith(rule.regionPrefix)),
  );
  if (!match) throw new Error('routing: no rule matches and no catch-all rule is configured');
  return { dinasId: match.dinasId, unitId: match.unitId, regionCode: regionCode ?? dinasOf(settings, match.dinasId).regionCode };
}

export function dinasOf(settings: CaseSettings, dinasId: number) {
  const found = settings.dinas.get(dinasId);
  if (!found) throw new Error(`settings: no dinas ${dinasId}`);
  return found;
}

/**
 * The most specific SLA policy for a dinas and category (dinas beats category beats the default);
 * of two as specific, the older (lower id).
 */
export function slaPolicy(settings: CaseSettings, dinasId: number, categoryCode: string): SlaPolicy {
  const score = (p: PolicyRow) => (p.dinasId === dinasId ? 2 : p.dinasId === null ? 0 : -10) + (p.categoryCode === categoryCode ? 1 : p.categoryCode === null ? 0 : -10);
  const best = settings.policies.filter((p) => score(p) >= 0).sort((a, b) => score(b) - score(a))[0];
  // National default (SP4N-LAPOR!): verified within 3 working days, followed up within 5, closed 10 after.
  return best ?? { verifyDays: 3, followUpDays: 5, closeAfterDays: 10 };
}
