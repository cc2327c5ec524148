import { hash, verify } from '@node-rs/argon2';
import { AppError } from '../errors.ts';

// OWASP's argon2id baseline (19 MiB, 2 passes, 1 lane); @node-rs/argon2 defaults to argon2id.
const OPTIONS = { memoryCost: 19456, timeCost: 2, parallelism: 1 };

export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 256;

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

// Checked against when the email is unknown, so that a wrong email takes as long as a wrong password.
let dummyHash: Promise<string> | null = null;

export async function verifyPassword(storedHash: string | null, password: string): Promise<boolean> {
  if (!storedHash) {
    dummyHash ??= hashPassword('not-a-real-password-used-for-timing');
    await verify(await dummyHash, password).catch(() => false);
    return false;
  }
  try {
    return await verify(storedHash, password);
  } catch {
    return false;
  }
}

/** Reject passwords that are too short or too long, naming the field for the form. */
export function checkPasswordPolicy(password: string, field = 'password'): void {
  if (password.length < PASSWORD_MIN) {
    throw new AppError('validation_failed', [
      { path: field, code: 'password_too_short', message: `at least ${PASSWORD_MIN} characters` },
    ]);
  }
  if (password.length > PASSWORD_MAX) {
    throw new AppError('validation_failed', [
      { path: field, code: 'password_too_long', message: `at most ${PASSWORD_MAX} characters` },
    ]);
  }
}
