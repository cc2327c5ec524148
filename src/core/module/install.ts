import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { kernelAuditEntities } from '../audit/entities.ts';
import { registerErrorCodes } from '../errors.ts';
import type { RouteModule } from '../http/app.ts';
import type { AppServices } from '../http/types.ts';
import { addCatalogues } from '../i18n/i18n.ts';
import type { Jobs } from '../jobs/jobs.ts';
import { registerLinkKind } from '../links/registry.ts';
import { registerRoles } from '../policy/roles.ts';
import type { ExportSpec, HomeBlock, ModuleManifest, NavEntry, SeedStep } from './manifest.ts';

let installed: readonly ModuleManifest[] = [];

/**
 * Make the parts known to the kernel: their catalogues, error codes, roles and link kinds. Called
 * once by each entry point (server, CLI, test harness) with `modules/index.ts`'s list, before
 * configuration is read and routes are built. Calling it again with the same list does nothing.
 */
export function installModules(manifests: readonly ModuleManifest[]): void {
  if (installed === manifests) return;
  if (installed.length > 0) throw new Error('modules are installed once per process');
  const names = new Set<string>();
  const entities = new Set<string>(kernelAuditEntities);
  for (const m of manifests) {
    if (names.has(m.name)) throw new Error(`two modules are named ${m.name}`);
    names.add(m.name);
    for (const e of m.auditEntities ?? []) {
      if (!e.startsWith(`${m.name}_`))
        throw new Error(`audit entity ${e} of ${m.name} must start with ${m.name}_`);
      if (entities.has(e)) throw new Error(`audit entity ${e} is declared twice`);
      entities.add(e);
    }
    if (m.locales) addCatalogues(fileURLToPath(m.locales));
    if (m.errors) registerErrorCodes(m.errors);
    if (m.roles) registerRoles(m.roles);
    for (const k of m.linkKinds ?? []) registerLinkKind(k);
  }
  installed = manifests;
}

export function installedModules(): readonly ModuleManifest[] {
  return installed;
}

export function moduleRoutes(): RouteModule[] {
  return installed.flatMap((m) => m.routes);
}

export function navEntries(): NavEntry[] {
  return installed.flatMap((m) => m.nav ?? []).sort((a, b) => a.order - b.order);
}

export function homeBlocks(): HomeBlock[] {
  return installed.flatMap((m) => m.home ?? []).sort((a, b) => a.order - b.order);
}

export function seedSteps(): (SeedStep & { module: string })[] {
  return installed
    .flatMap((m) => (m.seed ?? []).map((s) => ({ ...s, module: m.name })))
    .sort((a, b) => (a.stage === b.stage ? a.order - b.order : a.stage === 'base' ? -1 : 1));
}

export function moduleExports(): (ExportSpec & { module: string })[] {
  return installed.flatMap((m) => (m.exports ?? []).map((e) => ({ ...e, module: m.name })));
}

export function registerModuleCommands(program: Command): void {
  for (const m of installed) m.commands?.(program);
}

/** Every part's job handlers and schedules; declared before the job runner starts. */
export function registerModuleJobs(jobs: Jobs, services: Omit<AppServices, 'jobs'>): void {
  for (const m of installed) {
    for (const j of m.jobs ?? []) {
      jobs.handle(j.queue, j.handler({ ...services, jobs }));
      if (j.cron) jobs.schedule?.(j.queue, j.cron);
    }
  }
}
