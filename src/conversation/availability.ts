/** Whether staff are at their desks now, and when next, from a dinas's weekly availability in its own time zone. */
import { offsetMinutes } from '../cases/working-days.js';

export interface Availability {
  timeZone: string;
  /** 0 = Sunday … 6 = Saturday. */
  days: number[];
  from: string;
  to: string;
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const DAY_MS = 86_400_000;

/** One formatter per time zone: building one costs about 70 µs, and a chat asks on its turns. */
const formatters = new Map<string, Intl.DateTimeFormat>();

function localParts(availability: Availability, at: Date) {
  let formatter = formatters.get(availability.timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: availability.timeZone,
      weekday: 'short',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(availability.timeZone, formatter);
  }
  const parts = formatter.formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return {
    day: WEEKDAYS.indexOf(get('weekday')),
    date: `${get('year')}-${get('month')}-${get('day')}`,
    time: `${get('hour')}:${get('minute')}`,
  };
}

/** `holidays` (local dates, "2026-12-25") are days off whatever the weekly hours say. */
export function staffAvailableNow(availability: Availability, now: Date, holidays: ReadonlySet<string> = new Set()): boolean {
  const { day, date, time } = localParts(availability, now);
  return availability.days.includes(day) && !holidays.has(date) && time >= availability.from && time < availability.to;
}

/**
 * When staff are next at their desks after `now` (the opening of the next working day's hours),
 * or null when the week has no hours at all. Looks two weeks ahead: Lebaran's cuti bersama can
 * close an office for more than a week.
 */
export function nextStaffHours(availability: Availability, now: Date, holidays: ReadonlySet<string> = new Set()): Date | null {
  const [fromHour, fromMinute] = availability.from.split(':').map(Number);
  for (let ahead = 0; ahead <= 14; ahead++) {
    const { day, date } = localParts(availability, new Date(now.getTime() + ahead * DAY_MS));
    if (!availability.days.includes(day) || holidays.has(date)) continue;
    // The local opening moment as if it were UTC, then shifted by the zone's offset on that day.
    const [y, m, d] = date.split('-').map(Number);
    const asUtc = Date.UTC(y, m - 1, d, fromHour, fromMinute);
    const opening = new Date(asUtc - offsetMinutes(new Date(asUtc), availability.timeZone) * 60_000);
    if (opening > now) return opening;
  }
  return null;
}

