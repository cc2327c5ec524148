/** The roles of PRODUCT.md. A user may hold several, each optionally scoped to an organisation or Section. */
export const roles = [
  'member',
  'partner',
  'section_coordinator',
  'governing_body_member',
  'secretariat',
  'treasurer',
  'aid_coordinator',
  'admin',
] as const;
export type Role = (typeof roles)[number];

export const confidentialityLevels = ['public', 'network', 'restricted'] as const;
export type Confidentiality = (typeof confidentialityLevels)[number];
