/** Local-time formatting for timestamps and date separators, and the display options from the `[ui]` config. */
import { formatTime } from '../config/schema.js';
import type { Person } from './people.js';

/** How the timeline shows messages (config `[ui]`: timestamps, collapse_joins, time_format). */
export interface DisplayOptions {
  /** Show a time in front of each message. */
  timestamps: boolean;
  /** Fold runs of joins/parts/quits into one line (Alt-E toggles at run time). */
  collapseJoins: boolean;
  /** A `ui.time_format` pattern such as `HH:mm` (tokens HH, H, hh, h, mm, ss, a). */
  timeFormat: string;
  /** Write link spans as OSC 8 hyperlinks (`[ui] hyperlinks` resolved against the terminal: hyperlink-support.ts). */
  hyperlinks?: boolean;
  /** `[ui] open_command`: the argv /open runs with the link or file appended (default: xdg-open / open). */
  openCommand?: readonly string[];
  /** `[ui] mouse`: report the mouse (wheel, clicks) to natter; false leaves it to the terminal. Default true. */
  mouse?: boolean;
  /** Config `[[people]]`: conversations of one person across networks are listed together in the sidebar. */
  people?: readonly Person[];
}

export const defaultDisplay: DisplayOptions = { timestamps: true, collapseJoins: true, timeFormat: 'HH:mm' };

/** The timestamp text for a message, or undefined when timestamps are off. */
export function stamp(ms: number, display: DisplayOptions): string | undefined {
  return display.timestamps ? formatTime(new Date(ms), display.timeFormat) : undefined;
}

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
