import { defineModule } from '../../core/module/manifest.ts';
import { registerDirectoryCommands } from './cli.ts';
import { directoryHome } from './home.tsx';
import { importCities } from './import/cities.ts';
import { importOrganisationsCsv } from './import/csv.ts';
import { getImportRun, IMPORT_QUEUE, listImportRuns, runImport, startImport } from './import/runs.ts';
import { directoryRoutes } from './routes.ts';
import { seedDemoNetwork, seedUclgNetwork } from './seed/index.ts';
import * as uc from './service.ts';

export const auditEntities = [
  'directory_organisation',
  'directory_organisations',
  'directory_memberships',
  'directory_membership',
  'directory_person',
  'directory_person_role',
  'directory_person_contacts',
  'directory_import_run',
] as const;

declare module '../../core/module/parts.ts' {
  interface Parts {
    directory: { auditEntities: typeof auditEntities };
  }
}

/** The directory: organisations, Sections, memberships, people; the map; imports. */
export const directoryModule = defineModule({
  name: 'directory',
  description: 'Organisations, Sections, memberships and people of the network',
  routes: [directoryRoutes],
  locales: new URL('./locales', import.meta.url),
  nav: [
    {
      href: '/directory',
      label: 'nav.directory',
      order: 50,
      cta: 'primary',
      ctaLabel: 'directory.home.cta.directory',
      card: { title: 'directory.home.start.directory.title', text: 'directory.home.start.directory.text' },
    },
    {
      href: '/map',
      label: 'nav.map',
      order: 60,
      cta: 'secondary',
      ctaLabel: 'directory.home.cta.map',
      card: { title: 'directory.home.start.map.title', text: 'directory.home.start.map.text' },
    },
  ],
  jobs: [
    { queue: IMPORT_QUEUE, handler: (services) => (data) => runImport(services.database, String(data.id)) },
  ],
  seed: [
    {
      name: 'loading the UCLG Sections and the CEMR member associations',
      stage: 'base',
      order: 10,
      run: (ctx) => seedUclgNetwork(ctx),
    },
    { name: 'loading the demo network', stage: 'demo', order: 10, run: (ctx) => seedDemoNetwork(ctx) },
  ],
  commands: registerDirectoryCommands,
  home: [directoryHome],
  // `{format}` in a path is one of its formats (the routes are in api.ts). Both answer anyone: a
  // reader signed out gets public records only (people's contacts only where public).
  exports: [
    {
      name: 'organisations',
      path: '/api/v1/directory/organisations.{format}',
      formats: ['csv', 'json'],
      description:
        'Every organisation of the directory (cities, regions, associations, Sections, networks, partners), with the filters of the list',
      access: 'public',
    },
    {
      name: 'people',
      path: '/api/v1/directory/people.{format}',
      formats: ['csv', 'json'],
      description: 'People with their current roles, and the contact details the reader may see',
      access: 'public',
    },
  ],
  useCases: [
    uc.listOrganisations,
    uc.getOrganisation,
    uc.createOrganisation,
    uc.updateOrganisation,
    uc.archiveOrganisation,
    uc.listSections,
    uc.listGroups,
    uc.listMemberships,
    uc.addMembership,
    uc.updateMembership,
    uc.endMembership,
    uc.listPeople,
    uc.getPerson,
    uc.createPerson,
    uc.updatePerson,
    uc.archivePerson,
    uc.assignPersonRole,
    uc.endPersonRole,
    uc.addContact,
    uc.removeContact,
    uc.searchDirectory,
    importCities,
    importOrganisationsCsv,
    startImport,
    getImportRun,
    listImportRuns,
  ],
  auditEntities,
});
