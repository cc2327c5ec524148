import type { PartRole } from '../module/parts.ts';

/**
 * The kernel's roles (PRODUCT.md). A user may hold several, each optionally scoped to an
 * organisation or Section. A part adds its own roles in its manifest (`roles`) and names them for
 * the type checker in `Parts` (core/module/parts.ts).
 */
export const kernelRoles = [
  'member',
  'partner',
  'section_coordinator',
  'governing_body_member',
  'secretariat',
  'admin',
] as const;

export type Role = (typeof kernelRoles)[number] | PartRole;

const known: Role[] = [...kernelRoles];

/** Called by the module kit; the order is the kernel's, then each part's, as listed. */
export function registerRoles(roles: readonly string[]): void {
  for (const r of roles) if (!known.includes(r as Role)) known.splice(known.length - 1, 0, r as Role);
}

/** Every role of this platform, `admin` last. */
export function allRoles(): readonly Role[] {
  return known;
}

export function isRole(v: unknown): v is Role {
  return typeof v === 'string' && (known as readonly string[]).includes(v);
}

export const confidentialityLevels = ['public', 'network', 'restricted'] as const;
export type Confidentiality = (typeof confidentialityLevels)[number];
