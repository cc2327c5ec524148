export { type AuditInput, audit } from './audit.ts';
export { type AuditSealer, sealAudit, startAuditSealer } from './seal.ts';
export { type VerifyResult, verifyAudit } from './verify.ts';
