import { describe, expect, it } from 'vitest';
import { instantToLocal, localToInstant } from './time.ts';

describe('local times in a zone', () => {
  it('reads a wall-clock time in the zone of the session', () => {
    // 1 April 2022, 14:00 in Amsterdam is summer time (UTC+2).
    expect(localToInstant('2022-04-01T14:00', 'Europe/Amsterdam')).toBe('2022-04-01T12:00:00.000Z');
    expect(localToInstant('2022-01-10T09:30', 'America/Bogota')).toBe('2022-01-10T14:30:00.000Z');
    expect(localToInstant('2022-01-10T09:30', 'UTC')).toBe('2022-01-10T09:30:00.000Z');
  });

  it('refuses dates that do not exist', () => {
    expect(localToInstant('2022-02-30T10:00', 'UTC')).toBeNull();
    expect(localToInstant('2022-13-01T10:00', 'UTC')).toBeNull();
    expect(localToInstant('2022-04-01T25:00', 'UTC')).toBeNull();
    expect(localToInstant('tomorrow', 'UTC')).toBeNull();
    expect(localToInstant('2024-02-29T10:00', 'UTC')).toBe('2024-02-29T10:00:00.000Z');
  });

  it('moves a time skipped by the spring change forward, and round-trips ordinary times', () => {
    // 27 March 2022, 02:30 does not exist in Amsterdam (02:00 → 03:00).
    expect(localToInstant('2022-03-27T02:30', 'Europe/Amsterdam')).toBe('2022-03-27T01:30:00.000Z');
    expect(instantToLocal('2022-04-01T12:00:00.000Z', 'Europe/Amsterdam')).toBe('2022-04-01T14:00');
    expect(instantToLocal('2022-11-01T12:00:00.000Z', 'Asia/Kolkata')).toBe('2022-11-01T17:30');
  });
});
