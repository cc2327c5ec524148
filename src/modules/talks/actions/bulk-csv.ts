import { parse } from 'csv-parse/sync';
import { AppError } from '../../../core/errors.ts';
import { isoDate, uuid } from '../../../core/validation/input.ts';
import { type ActionStatus, actionStatuses } from '../schema.ts';

/**
 * The file of a bulk progress update, `action_id,status,progress,note,date`: decoded (UTF-8 only)
 * and read into rows, each row checked on its own; a rejected row has its line and reason.
 */

const BULK_COLUMNS = ['action_id', 'status', 'progress', 'note', 'date'] as const;
export const MAX_BULK_BYTES = 5 * 1024 * 1024;
const MAX_ROWS = 20_000;

export interface BulkRejection {
  line: number;
  reason: string;
}

interface Row {
  line: number;
  actionId: string;
  status?: ActionStatus;
  progress?: number;
  note: string | null;
  date: string;
}

/** Text of a file: UTF-8 only (a byte order mark is fine); anything binary is refused. */
export function decode(input: string | Uint8Array): string {
  const size = typeof input === 'string' ? Buffer.byteLength(input) : input.byteLength;
  if (size > MAX_BULK_BYTES) throw new AppError('payload_too_large', { max: MAX_BULK_BYTES });
  let text: string;
  if (typeof input === 'string') text = input;
  else {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(input);
    } catch {
      throw new AppError('invalid_csv', { reason: 'not_utf8' });
    }
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: NUL never occurs in a real CSV file
  if (/[\u0000\ufffd]/.test(text)) throw new AppError('invalid_csv', { reason: 'binary' });
  if (text.trim() === '') throw new AppError('invalid_csv', { reason: 'empty' });
  return text;
}

export function parseFile(text: string): { rows: Row[]; rejected: BulkRejection[] } {
  let records: { record: string[]; raw: string; info: { lines: number } }[];
  try {
    records = parse(text, {
      relax_column_count: true,
      skip_empty_lines: true,
      info: true,
      raw: true,
      max_record_size: 100_000,
    }) as unknown as typeof records;
  } catch (e) {
    const err = e as { lines?: number; message?: string };
    throw new AppError('invalid_csv', { reason: 'syntax', line: err.lines, message: err.message });
  }
  if (records.length - 1 > MAX_ROWS)
    throw new AppError('invalid_csv', { reason: 'too_many_rows', max: MAX_ROWS });
  const header = records[0].record.map((h) => h.trim().toLowerCase().replace(/\s+/g, '_'));
  const missing = BULK_COLUMNS.filter((c) => !header.includes(c));
  const unknown = header.filter((h) => !(BULK_COLUMNS as readonly string[]).includes(h));
  const duplicates = header.filter((h, i) => header.indexOf(h) !== i);
  if (missing.length || unknown.length || duplicates.length) {
    throw new AppError('invalid_csv', {
      reason: 'columns',
      expected: BULK_COLUMNS,
      missing,
      unknown,
      duplicates,
    });
  }
  const rows: Row[] = [];
  const rejected: BulkRejection[] = [];
  const seen = new Map<string, number>();
  for (const r of records.slice(1)) {
    // info.lines is where a record ends; a quoted note may span lines.
    const line =
      r.info.lines -
      (r.raw
        .replace(/^[\r\n]+/, '')
        .replace(/\r?\n$/, '')
        .match(/\n/g)?.length ?? 0);
    if (r.record.length !== header.length) {
      rejected.push({ line, reason: `${r.record.length} cells where the header has ${header.length}` });
      continue;
    }
    const c = Object.fromEntries(header.map((h, i) => [h, (r.record[i] ?? '').trim()]));
    const problems: string[] = [];
    if (!uuid.safeParse(c.action_id).success) problems.push('action_id is not an action id');
    const status = c.status === '' ? undefined : c.status.toLowerCase().replace(/\s+/g, '_');
    if (status !== undefined && !(actionStatuses as readonly string[]).includes(status))
      problems.push(`status must be one of ${actionStatuses.join(', ')}`);
    let progress: number | undefined;
    if (c.progress !== '') {
      const m = /^(\d{1,3})\s*%?$/.exec(c.progress);
      progress = m ? Number(m[1]) : Number.NaN;
      if (!m) problems.push('progress is not a whole number');
      else if (progress > 100) problems.push('progress must be between 0 and 100');
    }
    if (!isoDate.safeParse(c.date).success) problems.push('date is not a date (YYYY-MM-DD)');
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are the point
    if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(c.note))
      problems.push('note contains control characters');
    if (c.note.length > 5000) problems.push('note is longer than 5000 characters');
    if (status === undefined && progress === undefined && c.note === '')
      problems.push('nothing to update: give a status, a progress or a note');
    const earlier = seen.get(c.action_id);
    if (earlier !== undefined) problems.push(`the same action is already on line ${earlier}`);
    if (problems.length) {
      rejected.push({ line, reason: problems.join('; ') });
      continue;
    }
    seen.set(c.action_id, line);
    rows.push({
      line,
      actionId: c.action_id,
      status: status as ActionStatus | undefined,
      progress,
      note: c.note || null,
      date: c.date,
    });
  }
  return { rows, rejected };
}
