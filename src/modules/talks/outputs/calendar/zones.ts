/**
 * Times in a session's own time zone for iCalendar, from the runtime's time zone data (Intl),
 * without a date library: wall-clock parts of an instant, and VTIMEZONE definitions whose
 * transitions are found by probing the zone's UTC offset (RFC 5545 wants a VTIMEZONE for every
 * TZID used).
 */

interface Wall {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(tz, f);
  }
  return f;
}

export function wallTime(at: Date, tz: string): Wall {
  const p = Object.fromEntries(
    formatter(tz)
      .formatToParts(at)
      .map((x) => [x.type, x.value]),
  );
  return {
    year: Number(p.year),
    month: Number(p.month),
    day: Number(p.day),
    hour: Number(p.hour),
    minute: Number(p.minute),
    second: Number(p.second),
  };
}

/** Offset of the zone from UTC at an instant, in minutes. */
export function offsetMinutes(at: Date, tz: string): number {
  const w = wallTime(at, tz);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return Math.round((asUtc - Math.floor(at.getTime() / 1000) * 1000) / 60_000);
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const icsLocal = (w: Wall) =>
  `${pad(w.year, 4)}${pad(w.month)}${pad(w.day)}T${pad(w.hour)}${pad(w.minute)}${pad(w.second)}`;
const icsOffset = (min: number) =>
  `${min < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(min) / 60))}${pad(Math.abs(min) % 60)}`;

/**
 * An instant in a zone in the shape ical-generator takes for zoned times (a Temporal
 * ZonedDateTime look-alike): it then writes `DTSTART;TZID=<zone>:<wall time>`.
 */
export function zoned(at: Date, tz: string) {
  const w = wallTime(at, tz);
  const plain = {
    ...w,
    toZonedDateTime: (z: string) => zoned(at, z),
    toPlainDate: () => ({ year: w.year, month: w.month, day: w.day }),
    toJSON: () => icsLocal(w),
    toString: () => icsLocal(w),
  };
  return {
    ...w,
    timeZoneId: tz,
    withTimeZone: (z: string) => zoned(at, z),
    toPlainDateTime: () => plain,
    toInstant: () => ({ epochMilliseconds: at.getTime() }),
    toJSON: () => at.toISOString(),
    toString: () => at.toISOString(),
  };
}

/** The instant at which the offset changes between `a` and `b` (one change assumed), to the second. */
function transitionBetween(a: number, b: number, tz: string): number {
  const before = offsetMinutes(new Date(a), tz);
  while (b - a > 1000) {
    const mid = Math.floor((a + b) / 2000) * 1000;
    if (offsetMinutes(new Date(mid), tz) === before) a = mid;
    else b = mid;
  }
  return b;
}

/**
 * A VTIMEZONE for `tz` covering the years `from`..`to`: the offset in force at the start, then
 * every transition (each as its own observance with an RDATE-free DTSTART), found by probing the
 * offset every 12 hours.
 */
export function vtimezone(tz: string, from: number, to: number): string {
  const lines = ['BEGIN:VTIMEZONE', `TZID:${tz}`];
  const start = Date.UTC(from, 0, 1);
  const end = Date.UTC(to + 1, 0, 1);
  const step = 12 * 3600_000;
  let prev = offsetMinutes(new Date(start), tz);
  const observance = (kind: 'STANDARD' | 'DAYLIGHT', at: number, fromOff: number, toOff: number) => {
    // DTSTART is the local time just before the change, in the offset that was in force (RFC 5545 3.6.5).
    const d = new Date(at + fromOff * 60_000);
    const local = {
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      hour: d.getUTCHours(),
      minute: d.getUTCMinutes(),
      second: d.getUTCSeconds(),
    };
    lines.push(
      `BEGIN:${kind}`,
      `DTSTART:${icsLocal(local)}`,
      `TZOFFSETFROM:${icsOffset(fromOff)}`,
      `TZOFFSETTO:${icsOffset(toOff)}`,
      `END:${kind}`,
    );
  };
  observance('STANDARD', start, prev, prev);
  for (let t = start; t < end; t += step) {
    const next = offsetMinutes(new Date(t + step), tz);
    if (next !== prev) {
      const at = transitionBetween(t, t + step, tz);
      observance(next > prev ? 'DAYLIGHT' : 'STANDARD', at, prev, next);
      prev = next;
    }
  }
  lines.push('END:VTIMEZONE');
  return lines.join('\r\n');
}
