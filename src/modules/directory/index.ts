export { importCities } from './import/cities.ts';
export { importOrganisationsCsv } from './import/csv.ts';
export { IMPORT_QUEUE, runImport } from './import/runs.ts';
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
export { seedDemoNetwork, seedUclgNetwork } from './seed/index.ts';
