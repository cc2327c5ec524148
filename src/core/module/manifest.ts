import type { Command } from 'commander';
import type { FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import type { ZodRawShape } from 'zod';
import type { Ctx } from '../context.ts';
import type { RouteModule } from '../http/app.ts';
import type { AppServices } from '../http/types.ts';
import type { JobHandler } from '../jobs/jobs.ts';
import type { LinkKind } from '../links/registry.ts';
import type { Role } from '../policy/roles.ts';
import type { ModuleConfig } from './config.ts';
import type { AnyUseCase } from './use-case.ts';

/** An entry of the main navigation: `label` is a catalogue key, `order` places it (kernel: 0, 900+). */
export interface NavEntry {
  href: string;
  label: string;
  order: number;
  /** Shown only to these roles (network-wide or scoped); everyone when absent. */
  roles?: Role[];
  /** A button at the top of the home page, with its own label key if given. */
  cta?: 'primary' | 'secondary';
  ctaLabel?: string;
  /** A "start here" card on the home page: catalogue keys of its title and text. */
  card?: { title: string; text: string };
}

/** A background job: pg-boss runs `handler` for each message on `queue`, and on `cron` (UTC) if given. */
export interface JobSpec {
  queue: string;
  handler: (services: AppServices) => JobHandler;
  cron?: string;
}

/**
 * A step of the first run. `base` steps load reference data (always); `demo` steps load the living
 * demo (unless PEACETALKS_DEMO=false). Steps run in `order` across every part, in one transaction.
 */
export interface SeedStep {
  name: string;
  stage: 'base' | 'demo';
  order: number;
  run(ctx: Ctx, log: (m: string) => void): Promise<void>;
}

/** A block of the home page (figures of a part), rendered in `order`; null shows nothing. */
export interface HomeBlock {
  order: number;
  render(request: FastifyRequest, services: AppServices): Promise<VNode | null>;
}

/** A download of a part's data, listed in the API description and the open-data index. */
export interface ExportSpec {
  name: string;
  path: string;
  formats: readonly ('csv' | 'json' | 'hxl' | 'xml' | 'ics' | 'md' | 'pdf' | 'docx')[];
  description: string;
  /** `public` exports hold only public records and belong in the open-data archive. */
  access: 'public' | 'signed_in';
}

export interface ModuleManifest {
  /** The folder name under src/modules, also the prefix of its audit entities (`<name>_…`). */
  name: string;
  description: string;
  routes: RouteModule[];
  nav?: NavEntry[];
  /** Folder of `<lang>.json` catalogues (usually `new URL('./locales', import.meta.url)`). */
  locales?: URL;
  /** Error codes with their HTTP status; messages are `errors.<code>` in the catalogues. */
  errors?: Record<string, number>;
  roles?: readonly string[];
  linkKinds?: LinkKind[];
  jobs?: JobSpec[];
  seed?: SeedStep[];
  commands?: (program: Command) => void;
  home?: HomeBlock[];
  exports?: ExportSpec[];
  config?: ModuleConfig<ZodRawShape>;
  /** The part's use cases (made with `defineUseCase`); the contract test walks them. */
  useCases?: readonly AnyUseCase[];
  /** Audit entity names the part writes, each `<name>_…`. */
  auditEntities?: readonly string[];
}

/** Declare a part of the product. `modules/index.ts` lists the manifests; the kernel builds the rest. */
export function defineModule<const M extends ModuleManifest>(manifest: M): M {
  return manifest;
}
