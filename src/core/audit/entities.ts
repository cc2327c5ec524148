import type { PartAuditEntity } from '../module/parts.ts';

/**
 * Audit entity names, typed. The kernel's are bare nouns; a part's are `<part>_<thing>`, declared
 * in its manifest (`auditEntities`) and named for the type checker by merging into
 * `Parts` (core/module/parts.ts). The contract test checks both agree.
 */
export const kernelAuditEntities = [
  'user',
  'user_role',
  'api_token',
  'role_mfa_policy',
  'record_link',
] as const;

export type AuditEntity = (typeof kernelAuditEntities)[number] | PartAuditEntity;
