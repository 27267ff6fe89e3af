/**
 * SLA clocks count working days: weekends and the configured holidays (public holidays and
 * cuti bersama) do not count. A step due in N working days is due at the end of the Nth
 * working day after today, in the dinas's time zone (Indonesia has no daylight saving time).
 */

/**
 * Formatters by time zone, made once: building an `Intl.DateTimeFormat` costs about 70 µs, and
 * opening a case asks for several dates (its SLA clocks, the reply's "paling lambat").
 */
const formatters = new Map<string, { date: Intl.DateTimeFormat; offset: Intl.DateTimeFormat }>();

function formattersFor(timeZone: string) {
  let found = formatters.get(timeZone);
  if (!found) {
    found = {
      date: new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }),
      offset: new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' }),
    };
    formatters.set(timeZone, found);
  }
  return found;
}

function localDate(at: Date, timeZone: string): string {
  return formattersFor(timeZone).date.format(at);
}

/** Offset of `timeZone` from UTC at `at`, in minutes (WIB → 420). */
export function offsetMinutes(at: Date, timeZone: string): number {
  const name = formattersFor(timeZone)
    .offset.formatToParts(at)
    .find((p) => p.type === 'timeZoneName')!.value;
  const m = /GMT([+-])(\d{2}):?(\d{2})?/.exec(name);
  if (!m) return 0;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0));
}

export function addWorkingDays(start: Date, days: number, holidays: ReadonlySet<string>, timeZone = 'Asia/Jakarta'): Date {
  const [y, m, d] = localDate(start, timeZone).split('-').map(Number);
  const cursor = new Date(Date.UTC(y, m - 1, d));
  let counted = 0;
  while (counted < days) {
    cursor.setUTCDate(cursor.getUTCDate() + 1);
    const weekday = cursor.getUTCDay();
    if (weekday === 0 || weekday === 6) continue;
    if (holidays.has(cursor.toISOString().slice(0, 10))) continue;
    counted++;
  }
  const endOfDayUtc = Date.UTC(cursor.getUTCFullYear(), cursor.getUTCMonth(), cursor.getUTCDate(), 23, 59, 59);
  return new Date(endOfDayUtc - offsetMinutes(start, timeZone) * 60_000);
}

/**
 * The moment `fraction` of the working time between `start` and `due` has passed, counting only
 * working days (whole local days that are neither weekend nor holiday). A reminder at 80% thus
 * never lands on a Sunday or on Lebaran, and two days of weekend do not eat into its share.
 */
export function workingMoment(start: Date, due: Date, fraction: number, holidays: ReadonlySet<string>, timeZone = 'Asia/Jakarta'): Date {
  const offsetMs = offsetMinutes(start, timeZone) * 60_000;
  const DAY = 86_400_000;
  // Walk local days as UTC-shifted intervals: [dayStart, dayStart + DAY) in local time.
  const spans: [number, number][] = [];
  const localStart = start.getTime() + offsetMs;
  const localDue = due.getTime() + offsetMs;
  for (let dayStart = Math.floor(localStart / DAY) * DAY; dayStart < localDue; dayStart += DAY) {
    const day = new Date(dayStart);
    const weekday = day.getUTCDay();
    if (weekday === 0 || weekday === 6 || holidays.has(day.toISOString().slice(0, 10))) continue;
    const from = Math.max(dayStart, localStart);
    const to = Math.min(dayStart + DAY, localDue);
    if (to > from) spans.push([from, to]);
  }
  let left = spans.reduce((sum, [from, to]) => sum + (to - from), 0) * fraction;
  for (const [from, to] of spans) {
    if (to - from >= left) return new Date(Math.round(from + left - offsetMs));
    left -= to - from;
  }
  return due;
}

/**
 * `at` in `timeZone`'s local time with its offset ("2026-12-05T00:30:00+07:00"). The chat copy
 * prints the date part as written, so this is how an instant reaches it: 00:30 WIB is 17:30 UTC
 * of the day before.
 */
export function localIso(at: Date, timeZone: string): string {
  const offset = offsetMinutes(at, timeZone);
  const local = new Date(at.getTime() + offset * 60_000).toISOString().slice(0, 19);
  const abs = Math.abs(offset);
  const hhmm = `${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return `${local}${offset < 0 ? '-' : '+'}${hhmm}`;
}
