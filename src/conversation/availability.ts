/** Whether staff are at their desks now, from a dinas's weekly availability in its own time zone. */
export interface Availability {
  timeZone: string;
  /** 0 = Sunday … 6 = Saturday. */
  days: number[];
  from: string;
  to: string;
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

export function staffAvailableNow(availability: Availability, now: Date): boolean {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: availability.timeZone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(now);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const day = WEEKDAYS.indexOf(get('weekday'));
  const time = `${get('hour')}:${get('minute')}`;
  return availability.days.includes(day) && time >= availability.from && time < availability.to;
}
