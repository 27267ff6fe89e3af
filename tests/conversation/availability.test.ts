/** Staff hours: whether someone is at the desk now, and when next, in the dinas's own time zone. */
import { describe, expect, it } from 'vitest';
import { nextStaffHours, staffAvailableNow } from '../../src/conversation/availability.js';

const office = { timeZone: 'Asia/Jakarta', days: [1, 2, 3, 4, 5], from: '08:00', to: '15:00' };
const wita = { ...office, timeZone: 'Asia/Makassar' };

describe('staff hours', () => {
  it('are open on a working day between the hours, local time', () => {
    expect(staffAvailableNow(office, new Date('2026-12-01T02:00:00Z'))).toBe(true); // Tue 09:00 WIB
    expect(staffAvailableNow(office, new Date('2026-12-01T08:00:00Z'))).toBe(false); // Tue 15:00 WIB
    expect(staffAvailableNow(office, new Date('2026-11-30T23:59:00Z'))).toBe(false); // Tue 06:59 WIB
    expect(staffAvailableNow(office, new Date('2026-12-01T02:00:00Z'), new Set(['2026-12-01']))).toBe(false);
  });

  it('open next at the start of the next working day, past weekends and holidays', () => {
    // Friday 16:00 WIB → Monday 08:00 WIB.
    expect(nextStaffHours(office, new Date('2026-12-04T09:00:00Z'))?.toISOString()).toBe('2026-12-07T01:00:00.000Z');
    // Tuesday 06:00 WIB → the same morning.
    expect(nextStaffHours(office, new Date('2026-11-30T23:00:00Z'))?.toISOString()).toBe('2026-12-01T01:00:00.000Z');
    // Thursday 24 December after hours, Christmas on Friday → Monday 28.
    expect(nextStaffHours(office, new Date('2026-12-24T10:00:00Z'), new Set(['2026-12-25']))?.toISOString()).toBe('2026-12-28T01:00:00.000Z');
    // 08:00 WITA is 00:00 UTC.
    expect(nextStaffHours(wita, new Date('2026-12-04T09:00:00Z'))?.toISOString()).toBe('2026-12-07T00:00:00.000Z');
  });

  it('never open when the week has no hours', () => {
    expect(nextStaffHours({ ...office, days: [] }, new Date('2026-12-01T02:00:00Z'))).toBeNull();
  });
});
