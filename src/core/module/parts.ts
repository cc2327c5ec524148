/**
 * What each part declares for the type checker: its error codes, roles and audit entities, so that
 * `AppError('over_allocation')`, `requireRole(ctx, ['treasurer'])` and `audit({ entity })` are
 * checked. A part adds itself in its module.ts:
 *
 *   declare module '../../core/module/parts.ts' {
 *     interface Parts { fund: { errors: typeof fundErrors; roles: typeof fundRoles; auditEntities: typeof auditEntities } }
 *   }
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by declaration merging in each part
export interface Parts {}

type Field<K extends string> = {
  [P in keyof Parts]: Parts[P] extends Record<K, infer V> ? V : never;
}[keyof Parts];
type KeysOf<T> = T extends unknown ? keyof T : never;
type ItemsOf<T> = T extends readonly (infer I)[] ? I : never;

export type PartErrorCode = Extract<KeysOf<Field<'errors'>>, string>;
export type PartRole = Extract<ItemsOf<Field<'roles'>>, string>;
export type PartAuditEntity = Extract<ItemsOf<Field<'auditEntities'>>, string>;
