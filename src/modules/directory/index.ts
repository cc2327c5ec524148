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
  type OrganisationSearch,
  organisationRef,
  organisationRefs,
  personExists,
  personIdsByName,
  searchOrganisationRefs,
} from './read-api.ts';
