/** The public surface of accounts and authentication, for other parts, seeds and tests. */
export { mustEnrolMfa, rolesRequiringMfa } from './mfa.ts';
export { hashPassword, verifyPassword } from './passwords.ts';
export * from './service.ts';
export { createSessionFor, sessionCookieOptions } from './sessions.ts';
export { totpCode, totpUri } from './totp.ts';
export { type CreateUserInput, createUser, findUserByEmail } from './users.ts';
