import type { Locale } from '../../../../core/i18n/i18n.ts';
import type { ActionStatus, SessionStatus } from '../../schema.ts';
import type { TextPart } from '../../sessions/key-messages.ts';

/**
 * The public summary of a session as plain data: what the HTML, Markdown, PDF and DOCX renderers
 * share, so that they cannot disagree about what the summary says. Labels are already translated
 * into the reader's language; every multilingual part records the language it is shown in.
 */

/** A paragraph: plain and key-message runs, in order. */
export type Paragraph = TextPart[];

/** Which language a part is shown in, and the note to show when it is not the reader's. */
export interface Shown {
  lang: string;
  fallback: boolean;
  /** e.g. "shown in English: no translation yet"; null when the part is in the reader's language. */
  note: string | null;
}

export interface SummaryOrg {
  id: string;
  name: string;
  acronym: string | null;
  /** The name as listed in the summary: "African Centre … (ACCORD)". */
  label: string;
}

export interface NarrativePart extends Shown {
  id: string;
  kind: 'summary' | 'contribution';
  /** Who spoke: an organisation, a person or a group ("Partners from the civil society"). */
  speaker: string | null;
  paragraphs: Paragraph[];
}

export interface SummaryRecommendation extends Shown {
  id: string;
  paragraphs: Paragraph[];
  sources: string[];
}

export interface SummaryAction extends Shown {
  id: string;
  paragraphs: Paragraph[];
  status: ActionStatus;
  /** Translated status label. */
  statusLabel: string;
  progress: number;
  dueOn: string | null;
  children: SummaryAction[];
}

/** "For action by LRGs:" and its list. */
export interface ActionGroup {
  heading: string;
  actions: SummaryAction[];
}

export interface SummaryLabels {
  heading: string;
  hosts: string;
  partners: string;
  recommendations: string;
  languages: string;
  due: string;
  progress: string;
  fromWhom: string;
  /** ':' or, in French, a non-breaking space and ':'. */
  colon: string;
  draftNotice: string | null;
}

export interface SummaryModel {
  sessionId: string;
  status: SessionStatus;
  locale: Locale;
  /** Languages the content exists in (some part written in it), in the platform's order. */
  languages: Locale[];
  seriesTitle: string;
  title: { text: string } & Shown;
  subtitle: ({ text: string } & Shown) | null;
  startsAt: string;
  timezone: string;
  /** The date in the session's timezone, in the reader's language: "1 April 2022". */
  dateLabel: string;
  hosts: SummaryOrg[];
  partners: SummaryOrg[];
  narrative: NarrativePart[];
  recommendations: SummaryRecommendation[];
  actionGroups: ActionGroup[];
  /** How many parts fall back to another language. */
  fallbackCount: number;
  labels: SummaryLabels;
}
