import { z } from 'zod';
import { clusters, corridorStatuses, priorities } from './schema.ts';

/**
 * Inputs of the aid centre's use cases, shared by the JSON API and the HTML forms (whose
 * fields arrive as text: numbers are coerced, empty fields are dropped before parsing).
 */

const MAX_QTY = 1_000_000_000_000;
const text = (max: number) => z.string().trim().min(1).max(max);
const optionalText = (max: number) => z.string().trim().max(max).nullish();
const quantity = z.coerce.number().int().positive().max(MAX_QTY);
const lat = z.coerce.number().min(-90).max(90);
const lon = z.coerce.number().min(-180).max(180);
export const currency = z
  .string()
  .regex(/^[A-Z]{3}$/)
  .describe('ISO 4217 code, e.g. EUR');

export const postNeedInput = z
  .object({
    communityOrgId: z.uuid(),
    category: z.enum(clusters).describe('Humanitarian cluster'),
    item: text(200),
    quantity,
    unit: text(40),
    priority: z.enum(priorities),
    neededBy: z.iso.date().nullish(),
    description: optionalText(4000),
    placeName: optionalText(200),
    lat: lat.nullish(),
    lon: lon.nullish(),
  })
  .strict();
export type PostNeedInput = z.input<typeof postNeedInput>;

export const verifyNeedInput = z.object({ version: z.coerce.number().int().positive() }).strict();

export const postOfferInput = z
  .object({
    kind: z.enum(['goods', 'money']),
    source: z.enum(['member', 'fund']).default('member'),
    offererOrgId: z
      .uuid()
      .nullish()
      .describe('The offering member organisation (not for the Solidarity Fund)'),
    category: z.enum(clusters),
    item: text(200).describe('What is offered; for money, its purpose'),
    quantity: quantity.nullish().describe('Goods: how many units'),
    unit: text(40).nullish(),
    amountMinor: quantity.nullish().describe('Money: integer amount in minor units (cents)'),
    currency: currency.nullish(),
    availableFrom: z.iso.date().nullish(),
    placeName: optionalText(200),
    lat: lat.nullish(),
    lon: lon.nullish(),
    note: optionalText(2000),
  })
  .strict();

export const allocateInput = z
  .object({
    needId: z.uuid(),
    offerId: z.uuid(),
    quantity: quantity.describe("In the need's unit: how much of the need this covers"),
    amountMinor: quantity.nullish().describe('Money offers: the amount given for it, in minor units'),
  })
  .strict();

export const shipmentInput = z
  .object({
    corridorId: z.uuid().nullish(),
    reference: optionalText(100),
    note: optionalText(2000),
    items: z
      .array(z.object({ allocationId: z.uuid(), quantity }).strict())
      .min(1)
      .max(200),
  })
  .strict();

const shipmentTransitions = ['dispatch', 'return', 'cancel'] as const;
export const transitionInput = z
  .object({ action: z.enum(shipmentTransitions), version: z.coerce.number().int().positive() })
  .strict();

export const deliveryInput = z
  .object({
    items: z
      .array(
        z
          .object({ shipmentItemId: z.uuid(), receivedQty: z.coerce.number().int().min(0).max(MAX_QTY) })
          .strict(),
      )
      .min(1)
      .max(200),
    note: optionalText(2000),
  })
  .strict();

export const resolveInput = z.object({ note: optionalText(2000) }).strict();

const waypoint = z.tuple([lon, lat]);
export const corridorInput = z
  .object({
    name: text(200),
    originName: text(200),
    destinationName: text(200),
    originOrgId: z.uuid().nullish(),
    destinationOrgId: z.uuid().nullish(),
    path: z.array(waypoint).min(2).max(500).nullish().describe('Exact route [[lon, lat], …]: restricted'),
    status: z.enum(corridorStatuses),
    note: optionalText(2000),
  })
  .strict();

export const corridorStatusInput = z
  .object({
    status: z.enum(corridorStatuses),
    version: z.coerce.number().int().positive(),
    note: optionalText(2000),
  })
  .strict();

const count = z.coerce.number().int().min(0).max(10_000_000);
/** Aggregates only: there is no field where a displaced person could be described. */
export const capacityFields = [
  'childrenAvailable',
  'childrenUsed',
  'womenAvailable',
  'womenUsed',
  'youngAvailable',
  'youngUsed',
  'elderlyAvailable',
  'elderlyUsed',
  'totalAvailable',
  'totalUsed',
] as const;
export const capacityInput = z
  .object({
    orgId: z.uuid(),
    asOf: z.iso.date(),
    ...Object.fromEntries(capacityFields.map((f) => [f, count.default(0)])),
  } as { orgId: z.ZodUUID; asOf: z.ZodISODate } & Record<
    (typeof capacityFields)[number],
    z.ZodDefault<typeof count>
  >)
  .strict();

/**
 * Keys a capacity payload may carry. Anything else is refused as possible personal data: the
 * form and the API have no place for it, and we cannot tell a harmless typo from a name.
 */
export const capacityKeys = new Set(['orgId', 'asOf', ...capacityFields]);
