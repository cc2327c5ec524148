/**
 * Audit entity names, typed. The kernel's are bare nouns; a part's are `<part>_<thing>`, declared
 * in its manifest (`auditEntities`) and named for the type checker by merging into
 * `ModuleAuditEntities` (see `modules/<part>/audit.ts`). The contract test checks both agree.
 */
export const kernelAuditEntities = [
  'user',
  'user_role',
  'api_token',
  'role_mfa_policy',
  'record_link',
] as const;

// biome-ignore lint/suspicious/noEmptyInterface: filled by declaration merging in each part
export interface ModuleAuditEntities {}

export type AuditEntity = (typeof kernelAuditEntities)[number] | keyof ModuleAuditEntities;
