import { z } from 'zod';

/** Shapes shared by the JSON routes of the Talks outputs. */
export const errorResponse = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});
export const errors = {
  400: errorResponse,
  401: errorResponse,
  403: errorResponse,
  404: errorResponse,
};
export const writeErrors = { ...errors, 409: errorResponse };
export const security: { [k: string]: string[] }[] = [{ bearer: [] }, { cookie: [] }];
export const sessionParams = z.object({ id: z.uuid() }).strict();
export const tags = ['talks'];
