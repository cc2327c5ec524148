import type { Ctx } from '../../../core/context.ts';

export async function importOrganisationsCsv(_ctx: Ctx, _csv: string): Promise<void> {}
