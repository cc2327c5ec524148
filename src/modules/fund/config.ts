import { z } from 'zod';
import { defineConfig } from '../../core/module/config.ts';

/** The fund's settings, parsed with the kernel's at start-up. */
export const fundConfig = defineConfig({
  FUND_APPROVAL_THRESHOLD_MINOR: z.coerce
    .number()
    .int()
    .min(0)
    .max(1_000_000_000_000)
    .default(1_000_000)
    .describe(
      'Solidarity Fund disbursements of this amount or more (minor units, e.g. cents) need a second approver',
    ),
});
