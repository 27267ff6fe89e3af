/**
 * The dates a citizen should read about a case, worked out from the instant the product recorded
 * a step of it (by its clock, the test clock) rather than from the wall clock: the day of the step,
 * and the end of the working-day window that step opens, in the dinas's time zone.
 *
 * @example
 *   const opened = await caseStep(app, ticket, 'baru');
 *   expect(reply).toContain(`paling lambat ${await opened.dueShown('verifyDays')}`);
 */
import { formatDate } from '../../flows/format.js';
import { id } from '../../flows/copy/id.js';
import type { App } from '../../src/app.js';
import { loadCaseSettings, slaPolicy } from '../../src/cases/settings.js';
import { normaliseTicket } from '../../src/cases/ticket.js';
import { addWorkingDays, localIso } from '../../src/cases/working-days.js';
import type { CaseStatus } from '../../src/conversation/contract.js';

export interface CaseStep {
  /** When the case entered `status`, as the product recorded it. */
  at: Date;
  /** That day as the chat prints it ("5 Desember 2026"). */
  shown: string;
  /** The end of the window this step opens, as the chat prints it. */
  dueShown(window: 'verifyDays' | 'followUpDays'): Promise<string>;
}

export async function caseStep(app: App, ticket: string, status: CaseStatus): Promise<CaseStep> {
  const [row] = await app.ctx.db.sql<{ at_ms: number; dinas_id: number; category_code: string; time_zone: string }[]>`
    select (extract(epoch from e.created_at) * 1000)::float8 as at_ms, c.dinas_id, c.category_code,
           d.staff_availability->>'timeZone' as time_zone
    from case_events e join cases c on c.id = e.case_id join dinas d on d.id = c.dinas_id
    where c.ticket = ${normaliseTicket(ticket) ?? ticket} and e.to_status = ${status}
    order by e.id desc limit 1`;
  if (!row) throw new Error(`case ${ticket} never became ${status}`);
  const at = new Date(row.at_ms);
  const show = (instant: Date) => formatDate(localIso(instant, row.time_zone), id);
  return {
    at,
    shown: show(at),
    dueShown: (window) =>
      app.ctx.db.db.transaction(async (tx) => {
        const settings = await loadCaseSettings(tx);
        return show(addWorkingDays(at, slaPolicy(settings, row.dinas_id, row.category_code)[window], settings.holidays, row.time_zone));
      }),
  };
}
