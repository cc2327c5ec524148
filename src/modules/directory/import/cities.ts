import type { Ctx } from '../../../core/context.ts';

export async function importCities(_ctx: Ctx): Promise<void> {}
