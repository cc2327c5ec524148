import type { DbOrTx } from './db/tx.ts';
import type { Locale } from './i18n/i18n.ts';
import type { Role } from './policy/roles.ts';

export interface RoleGrant {
  role: Role;
  /** The organisation or Section the role is limited to; null for the whole network. */
  scopeOrgId: string | null;
}

export interface Actor {
  userId: string;
  email: string;
  name: string;
  roles: RoleGrant[];
  /** The second factor was checked in this session. */
  mfa: boolean;
  /** Set when the request came with an API token: what the token may do. */
  tokenScopes?: string[];
}

/** What every use case receives: where to read and write, who acts, in which language, and when. */
export interface Ctx {
  db: DbOrTx;
  actor: Actor | null;
  locale: Locale;
  now: Date;
  requestId?: string;
}
