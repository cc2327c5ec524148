/**
 * Wall-clock times in a time zone. Forms ask for a local date and time plus the zone the session
 * is held in (what organisers know: "10:00 in The Hague"); the database keeps the instant.
 */

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/;

/** The offset of `zone` from UTC at instant `ms`, in milliseconds. */
function offsetAt(ms: number, zone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(ms));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  const asUtc = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/**
 * `2022-04-01T14:00` in `Europe/Amsterdam` → the instant as ISO 8601 UTC; null when the text is
 * not a real calendar date and time (30 February, 25:00). A time skipped by a daylight-saving
 * change is moved forward by the gap, as clocks do.
 */
export function localToInstant(local: string, zone: string): string | null {
  const m = LOCAL.exec(local.trim());
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map((x) => Number(x ?? 0));
  if (mo < 1 || mo > 12 || h > 23 || mi > 59 || s > 59) return null;
  const naive = Date.UTC(y, mo - 1, d, h, mi, s);
  const check = new Date(naive);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) return null;
  let guess = naive - offsetAt(naive, zone);
  // Near a daylight-saving change the offset at the guess may differ: one more step settles it.
  guess = naive - offsetAt(guess, zone);
  return new Date(guess).toISOString();
}

/** The instant as `YYYY-MM-DDTHH:MM` on the wall clock of `zone` (for `datetime-local` inputs). */
export function instantToLocal(iso: string | Date, zone: string): string {
  const ms = new Date(iso).getTime();
  const local = new Date(ms + offsetAt(ms, zone));
  return local.toISOString().slice(0, 16);
}
