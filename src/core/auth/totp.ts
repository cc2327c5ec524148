import { Secret, TOTP } from 'otpauth';

/** Authenticator-app codes: RFC 6238 defaults (SHA-1, 6 digits, 30 s), as every app expects. */
const ISSUER = 'Peace Talks';

export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

function totpFor(secret: string, label: string): TOTP {
  return new TOTP({
    issuer: ISSUER,
    label,
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
    secret: Secret.fromBase32(secret),
  });
}

/** The otpauth:// address that authenticator apps import (as a link or a QR code). */
export function totpUri(secret: string, email: string): string {
  return totpFor(secret, email).toString();
}

/**
 * The time step `code` belongs to when it is the current code or the one just before or after
 * (clock drift), else null. Callers remember used steps so that a code cannot be replayed.
 */
export function totpStep(secret: string, code: string, now: Date): number | null {
  const token = code.replace(/\s+/g, '');
  if (!/^\d{6}$/.test(token)) return null;
  const delta = totpFor(secret, 'x').validate({ token, timestamp: now.getTime(), window: 1 });
  return delta === null ? null : TOTP.counter({ period: 30, timestamp: now.getTime() }) + delta;
}

/** The current code (for tests and the command line). */
export function totpCode(secret: string, now = new Date()): string {
  return totpFor(secret, 'x').generate({ timestamp: now.getTime() });
}
