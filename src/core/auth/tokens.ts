import { createHash, randomBytes } from 'node:crypto';

/** A random secret for a cookie, link or API token, and the hash we store instead of it. */
export const newSecret = (bytes = 32) => randomBytes(bytes).toString('base64url');
export const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export const SESSION_COOKIE = 'pt_session';
export const ANON_COOKIE = 'pt_anon';
export const LANG_COOKIE = 'pt_lang';
/** API tokens look like `pt_<random>` so that secret scanners can recognise them. */
export const API_TOKEN_PREFIX = 'pt_';
