import { z } from 'zod';
import { locales } from '../../../../core/i18n/i18n.ts';
import { actionStatuses, sessionStatuses } from '../../schema.ts';

/** The JSON form of the summary model (see model.ts), for the API and its OpenAPI document. */
const run = z.object({ text: z.string(), key: z.boolean().describe('A key message (bold in the summary)') });
const paragraph = z.array(run);
const shown = {
  lang: z.string().describe('The language this part is shown in'),
  fallback: z.boolean().describe('True when it is not the requested language'),
  note: z.string().nullable(),
};
const org = z.object({ id: z.string(), name: z.string(), acronym: z.string().nullable(), label: z.string() });

interface ActionJson {
  id: string;
  paragraphs: z.infer<typeof paragraph>[];
  status: (typeof actionStatuses)[number];
  statusLabel: string;
  progress: number;
  dueOn: string | null;
  lang: string;
  fallback: boolean;
  note: string | null;
  children: ActionJson[];
}
// A recursive schema needs a name of its own: it becomes a component that refers to itself.
const action: z.ZodType<ActionJson> = z
  .lazy(() =>
    z.object({
      id: z.uuid(),
      paragraphs: z.array(paragraph),
      status: z.enum(actionStatuses),
      statusLabel: z.string(),
      progress: z.number().int(),
      dueOn: z.string().nullable(),
      ...shown,
      children: z.array(action),
    }),
  )
  .meta({ id: 'SummaryAction' });

export const summaryModelSchema = z.object({
  sessionId: z.uuid(),
  status: z.enum(sessionStatuses),
  locale: z.enum(locales),
  languages: z.array(z.enum(locales)).describe('Languages the content exists in'),
  seriesTitle: z.string(),
  title: z.object({ text: z.string(), ...shown }),
  subtitle: z.object({ text: z.string(), ...shown }).nullable(),
  startsAt: z.string(),
  timezone: z.string(),
  dateLabel: z.string(),
  hosts: z.array(org),
  partners: z.array(org),
  narrative: z.array(
    z.object({
      id: z.uuid(),
      kind: z.enum(['summary', 'contribution']),
      speaker: z.string().nullable(),
      paragraphs: z.array(paragraph),
      ...shown,
    }),
  ),
  recommendations: z.array(
    z.object({ id: z.uuid(), paragraphs: z.array(paragraph), sources: z.array(z.string()), ...shown }),
  ),
  actionGroups: z.array(z.object({ heading: z.string(), actions: z.array(action) })),
  fallbackCount: z.number().int(),
  labels: z.object({
    heading: z.string(),
    hosts: z.string(),
    partners: z.string(),
    recommendations: z.string(),
    languages: z.string(),
    due: z.string(),
    progress: z.string(),
    fromWhom: z.string(),
    colon: z.string(),
    draftNotice: z.string().nullable(),
  }),
});
