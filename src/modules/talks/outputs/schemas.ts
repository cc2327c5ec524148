import { z } from 'zod';

/** Shapes shared by the JSON routes of the Talks outputs (errors and security: core/http/api-kit.ts). */
export const sessionParams = z.object({ id: z.uuid() }).strict();
export const tags = ['talks'];
