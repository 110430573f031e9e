/** Local-time formatting for timestamps and date separators. */

const pad = (n: number): string => String(n).padStart(2, '0');

/** `HH:mm` in local time. */
export function hhmm(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A key that is equal for two instants on the same local calendar day. */
export function dayKey(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

const weekdays = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** The text of a date separator line, e.g. `Friday 2026-11-20`. */
export function dayLabel(ms: number): string {
  return `${weekdays[new Date(ms).getDay()]} ${dayKey(ms)}`;
}
