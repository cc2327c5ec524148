import type { Ctx } from '../../../core/context.ts';

export async function seedUclgNetwork(_ctx: Ctx): Promise<void> {}
export async function seedDemoNetwork(_ctx: Ctx): Promise<void> {}
