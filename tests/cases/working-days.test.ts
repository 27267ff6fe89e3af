/** SLA due dates count working days: weekends and the holiday table do not count. */
import { describe, expect, it } from 'vitest';
import { publicHolidays } from '../../src/cases/holidays.js';
import { addWorkingDays } from '../../src/cases/working-days.js';

const none = new Set<string>();

describe('addWorkingDays', () => {
  it.each([
    { name: 'Monday + 3 → Thursday', from: '2026-11-23T03:00:00Z', days: 3, due: '2026-11-26' },
    { name: 'Thursday + 3 skips the weekend → Tuesday', from: '2026-11-26T03:00:00Z', days: 3, due: '2026-12-01' },
    { name: 'Saturday + 1 → Monday', from: '2026-11-28T03:00:00Z', days: 1, due: '2026-11-30' },
    { name: 'late evening WIB is already the next local day', from: '2026-11-26T18:00:00Z', days: 1, due: '2026-11-30' },
  ])('$name', ({ from, days, due }) => {
    const at = addWorkingDays(new Date(from), days, none, 'Asia/Jakarta');
    // Due at the end of the local day: 23:59:59 WIB is 16:59:59 UTC.
    expect(at.toISOString()).toBe(`${due}T16:59:59.000Z`);
  });

  it('skips a holiday from the table', () => {
    const holidays = new Set(['2026-12-25']);
    expect(addWorkingDays(new Date('2026-12-23T03:00:00Z'), 2, holidays).toISOString().slice(0, 10)).toBe('2026-12-28');
  });

  it('ends the day in the dinas time zone (WIT is UTC+9)', () => {
    expect(addWorkingDays(new Date('2026-11-23T03:00:00Z'), 1, none, 'Asia/Jayapura').toISOString()).toBe('2026-11-24T14:59:59.000Z');
  });
});

describe('publicHolidays', () => {
  it("has Indonesia's national days", () => {
    const days = publicHolidays(2026).map((h) => h.day);
    expect(days).toContain('2026-08-17');
    expect(days).toContain('2026-12-25');
    expect(days).toContain('2026-06-01');
  });
});
