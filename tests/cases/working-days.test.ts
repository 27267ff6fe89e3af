/** SLA due dates count working days: weekends and the holiday table do not count. */
import { describe, expect, it } from 'vitest';
import { publicHolidays } from '../../src/cases/holidays.js';
import { addWorkingDays, localIso } from '../../src/cases/working-days.js';

const none = new Set<string>();
const national = new Set([...publicHolidays(2026), ...publicHolidays(2027)].map((h) => h.day));

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

  // Half a second either side of midnight WIB, where a run of the suite once went red.
  it.each([
    { name: 'Friday 23:59:59.5 WIB + 3 → Wednesday', from: '2026-12-04T16:59:59.500Z', due: '2026-12-09' },
    { name: 'Saturday 00:00:00 WIB + 3 → Wednesday', from: '2026-12-04T17:00:00.000Z', due: '2026-12-09' },
    { name: 'eve of Christmas, 23:59:59.5 WIB + 3 → Wednesday 30th', from: '2026-12-24T16:59:59.500Z', due: '2026-12-30' },
    { name: 'Christmas Day 00:00 WIB + 3 → Wednesday 30th', from: '2026-12-24T17:00:00.000Z', due: '2026-12-30' },
    { name: '31 December 23:59:59.5 WIB + 3 skips New Year and Maulid → 7 January', from: '2026-12-31T16:59:59.500Z', due: '2027-01-07' },
    { name: 'New Year 00:00 WIB + 3 → 7 January', from: '2026-12-31T17:00:00.000Z', due: '2027-01-07' },
  ])('$name', ({ from, due }) => {
    expect(addWorkingDays(new Date(from), 3, national, 'Asia/Jakarta').toISOString()).toBe(`${due}T16:59:59.000Z`);
  });
});

describe('localIso', () => {
  it.each([
    { at: '2026-12-04T16:59:59.500Z', zone: 'Asia/Jakarta', local: '2026-12-04T23:59:59+07:00' },
    { at: '2026-12-04T17:00:00.000Z', zone: 'Asia/Jakarta', local: '2026-12-05T00:00:00+07:00' },
    { at: '2026-12-31T16:30:00.000Z', zone: 'Asia/Makassar', local: '2027-01-01T00:30:00+08:00' },
    { at: '2026-11-24T14:59:59.000Z', zone: 'Asia/Jayapura', local: '2026-11-24T23:59:59+09:00' },
    { at: '2026-11-24T14:59:59.000Z', zone: 'UTC', local: '2026-11-24T14:59:59+00:00' },
  ])('$at in $zone is $local', ({ at, zone, local }) => {
    expect(localIso(new Date(at), zone)).toBe(local);
    expect(Date.parse(local)).toBe(Math.floor(Date.parse(at) / 1000) * 1000);
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
