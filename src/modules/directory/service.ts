/**
 * The directory's use cases: organisations, Sections and memberships, people, their roles and
 * contact details, search. Each checks permissions itself, writes in one transaction and audits.
 */

export * from './service-contacts.ts';
export { contactKinds } from './service-input.ts';
export * from './service-memberships.ts';
export * from './service-organisations.ts';
export * from './service-people.ts';
export * from './service-person-roles.ts';
export { findOrganisation, type Organisation, type OrganisationSummary } from './service-rows.ts';
export * from './service-search.ts';
