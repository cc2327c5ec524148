export { importCities } from './import/cities.ts';
export { directoryModule } from './module.ts';
export {
  activeMemberIds,
  activeMembershipSql,
  existingOrganisationIds,
  joinOrganisation,
  joinPerson,
  listSections,
  type OrganisationRef,
  organisationRef,
  organisationRefs,
  personExists,
} from './read-api.ts';
