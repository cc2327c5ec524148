import { PassThrough, Readable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import { sql } from 'drizzle-orm';
import { createCB } from 'xmlbuilder2';
import type { Ctx } from '../../core/context.ts';
import { joinOrganisation } from '../directory/index.ts';
import { toMajorString } from './currencies.ts';
import type { TransactionKind } from './schema.ts';
import { type LedgerTransaction, listTransactions } from './service-ledger.ts';

/**
 * Open data of the fund: every transaction, oldest first, streamed page by page (a ledger of a
 * million lines is never held in memory). The books are public; who posted is not exported.
 */
async function* allTransactions(ctx: Ctx): AsyncGenerator<LedgerTransaction[]> {
  let after = 0;
  for (;;) {
    const page = await listTransactions(ctx, { after, limit: 2000, ascending: true });
    if (page.items.length === 0) return;
    yield page.items;
    after = page.items[page.items.length - 1].seq;
    if (page.next === null) return;
  }
}

/** A spreadsheet would run a cell that starts with one of these as a formula. */
const neutralise = (v: string | null) => (v && /^[=+\-@\t\r]/.test(v) ? `'${v}` : (v ?? ''));

export const ledgerColumns = [
  'seq',
  'id',
  'kind',
  'value_date',
  'posted_at',
  'provider_org_id',
  'provider',
  'receiver_org_id',
  'receiver',
  'amount',
  'amount_minor',
  'currency',
  'fx_rate',
  'fx_currency',
  'memo',
  'reversal_of',
  'need_id',
  'hash',
] as const;

/** HXL hashtags (from the HXL knowledge base: #org with roles, #value, #currency+code, #date, #meta, #description). */
export const ledgerHxlTags: Record<(typeof ledgerColumns)[number], string> = {
  seq: '#meta+seq',
  id: '#meta+id',
  kind: '#meta+type',
  value_date: '#date+occurred',
  posted_at: '#date+reported',
  provider_org_id: '#org+provider+id',
  provider: '#org+provider+name',
  receiver_org_id: '#org+receiver+id',
  receiver: '#org+receiver+name',
  amount: '#value',
  amount_minor: '#value+minor',
  currency: '#currency+code',
  fx_rate: '#value+rate',
  fx_currency: '#currency+code+converted',
  memo: '#description',
  reversal_of: '#meta+id+reversed',
  need_id: '#meta+id+need',
  hash: '#meta+hash',
};

function row(t: LedgerTransaction): string[] {
  return [
    String(t.seq),
    t.id,
    t.kind,
    t.valueDate,
    t.postedAt,
    t.providerOrgId ?? '',
    neutralise(t.providerName),
    t.receiverOrgId ?? '',
    neutralise(t.receiverName),
    t.currency ? toMajorString(t.amountMinor, t.currency) : '',
    String(t.amountMinor),
    t.currency,
    t.fxRate ?? '',
    t.fxCurrency ?? '',
    neutralise(t.memo),
    t.reversalOf ?? '',
    t.needId ?? '',
    t.hash,
  ];
}

export function ledgerCsv(ctx: Ctx, opts: { hxl?: boolean } = {}): Readable {
  return Readable.from(
    (async function* () {
      yield stringify([[...ledgerColumns]]);
      if (opts.hxl) yield stringify([ledgerColumns.map((c) => ledgerHxlTags[c])]);
      for await (const page of allTransactions(ctx)) yield stringify(page.map(row));
    })(),
  );
}

export function ledgerJson(ctx: Ctx): Readable {
  return Readable.from(
    (async function* () {
      yield '{"transactions":[';
      let first = true;
      for await (const page of allTransactions(ctx)) {
        const text = page
          .map((t) =>
            JSON.stringify({ ...t, amount: t.currency ? toMajorString(t.amountMinor, t.currency) : null }),
          )
          .join(',');
        yield first ? text : `,${text}`;
        first = false;
      }
      yield ']}';
    })(),
  );
}

/** IATI transaction types (codelist TransactionType). A refund is incoming funds given back: a negative value. */
export const iatiTransactionType: Record<Exclude<TransactionKind, 'reversal'>, string> = {
  pledge: '13',
  contribution: '1',
  refund: '1',
  grant_commitment: '2',
  disbursement: '3',
  expenditure: '4',
  fee: '4',
};

/** IATI organisation types (codelist OrganisationType) for the kinds of the directory. */
const iatiOrgType: Record<string, string> = {
  city: '11',
  municipality: '11',
  region: '11',
  national_government: '10',
  lg_association: '22',
  network: '21',
  section: '21',
  partner: '21',
  governing_body: '90',
};

export interface IatiSettings {
  reportingOrgRef: string;
  reportingOrgName: string;
  reportingOrgType: string;
}

/** The fund's identity in IATI: the `fund.iati` setting, or a default to replace with the registered identifier. */
export async function iatiSettings(ctx: Ctx): Promise<IatiSettings> {
  const r = await ctx.db.execute<{ value: Partial<IatiSettings> }>(
    sql`SELECT value FROM settings WHERE key = 'fund.iati'`,
  );
  const v = r.rows[0]?.value ?? {};
  return {
    reportingOrgRef: v.reportingOrgRef ?? 'XI-PEACETALKS',
    reportingOrgName: v.reportingOrgName ?? 'Peace Talks network — Solidarity Fund',
    reportingOrgType: v.reportingOrgType ?? '21',
  };
}

/**
 * The fund as one IATI 2.03 activity, streamed: reporting organisation, participating
 * organisations by role (contributors funding, the fund accountable and extending, communities
 * implementing), and every transaction with its type, value and provider and receiver.
 */
export function iatiXml(ctx: Ctx, now: Date): Readable {
  const out = new PassThrough();
  void (async () => {
    try {
      const settings = await iatiSettings(ctx);
      const parties = await ctx.db.execute<{ id: string; name: string; kind: string; role: string }>(sql`
        SELECT DISTINCT o.id, o.name, o.kind, CASE WHEN a.kind IN ('contributor', 'pledge') THEN '1' ELSE '4' END AS role
        FROM fund_accounts a ${joinOrganisation('o', sql`a.org_id`, { inner: true })}
        WHERE a.kind IN ('contributor', 'pledge', 'grant', 'disbursed')
        ORDER BY role, o.name`);
      const first = await ctx.db.execute<{ d: string | null; currency: string | null }>(sql`
        SELECT min(value_date)::text AS d,
          (SELECT currency FROM fund_lines GROUP BY currency ORDER BY count(*) DESC LIMIT 1) AS currency
        FROM fund_transactions`);
      const kinds = new Map<string, string>();
      const orgKind = new Map(parties.rows.map((p) => [p.id, p.kind]));
      const xml = createCB({ data: (chunk: string) => out.write(chunk), prettyPrint: true });
      xml.dec({ version: '1.0', encoding: 'UTF-8' });
      xml.ele('iati-activities', {
        version: '2.03',
        'generated-datetime': now.toISOString().replace(/\.\d+Z$/, 'Z'),
      });
      xml.ele('iati-activity', {
        'last-updated-datetime': now.toISOString().replace(/\.\d+Z$/, 'Z'),
        'xml:lang': 'en',
        'default-currency': first.rows[0]?.currency ?? 'EUR',
        humanitarian: '1',
      });
      xml.ele('iati-identifier').txt(`${settings.reportingOrgRef}-SOLIDARITY-FUND`).up();
      xml.ele('reporting-org', { ref: settings.reportingOrgRef, type: settings.reportingOrgType });
      xml.ele('narrative').txt(settings.reportingOrgName).up().up();
      xml.ele('title').ele('narrative').txt('Solidarity Fund of the Peace Talks network').up().up();
      xml
        .ele('description')
        .ele('narrative')
        .txt(
          'A fund that assists the humanitarian aid centre coordinated by the network: contributions received, grants committed to communities and paid to them, as kept in its double-entry, hash-chained ledger.',
        )
        .up()
        .up();
      const reporting = { ref: settings.reportingOrgRef, type: settings.reportingOrgType };
      for (const role of ['2', '3']) {
        xml
          .ele('participating-org', { ...reporting, role })
          .ele('narrative')
          .txt(settings.reportingOrgName)
          .up()
          .up();
      }
      for (const p of parties.rows) {
        xml
          .ele('participating-org', { role: p.role, type: iatiOrgType[p.kind] ?? '90' })
          .ele('narrative')
          .txt(p.name)
          .up()
          .up();
      }
      xml.ele('activity-status', { code: '2' }).up();
      xml
        .ele('activity-date', { 'iso-date': first.rows[0]?.d ?? now.toISOString().slice(0, 10), type: '2' })
        .up();
      for await (const page of allTransactions(ctx)) {
        for (const t of page) {
          kinds.set(t.id, t.kind);
          // A reversal is reported as its original's type with the opposite sign.
          const baseKind = t.kind === 'reversal' ? (kinds.get(t.reversalOf ?? '') ?? 'contribution') : t.kind;
          const code = iatiTransactionType[baseKind as keyof typeof iatiTransactionType];
          const negative = (t.kind === 'reversal') !== (baseKind === 'refund');
          const amount = toMajorString(negative ? -t.amountMinor : t.amountMinor, t.currency);
          const incoming = ['pledge', 'contribution', 'refund'].includes(baseKind);
          // Provider and receiver as the original flow (a reversal swaps them back).
          const [providerId, providerName, receiverId, receiverName] =
            t.kind === 'reversal'
              ? [t.receiverOrgId, t.receiverName, t.providerOrgId, t.providerName]
              : baseKind === 'refund'
                ? [t.receiverOrgId, t.receiverName, t.providerOrgId, t.providerName]
                : [t.providerOrgId, t.providerName, t.receiverOrgId, t.receiverName];
          xml.ele('transaction', { ref: t.id });
          xml.ele('transaction-type', { code }).up();
          xml.ele('transaction-date', { 'iso-date': t.valueDate }).up();
          xml.ele('value', { currency: t.currency, 'value-date': t.valueDate }).txt(amount).up();
          const memo = t.memo ?? (t.kind === 'fee' ? 'Fee' : null);
          if (memo) xml.ele('description').ele('narrative').txt(memo).up().up();
          const org = (id: string | null, name: string | null, el: string) => {
            if (id && name) {
              xml
                .ele(el, { type: iatiOrgType[orgKind.get(id) ?? ''] ?? '90' })
                .ele('narrative')
                .txt(name)
                .up()
                .up();
            } else if (!id && (el === 'receiver-org' ? incoming : !incoming)) {
              xml.ele(el, reporting).ele('narrative').txt(settings.reportingOrgName).up().up();
            }
          };
          org(providerId, providerName, 'provider-org');
          org(receiverId, receiverName, 'receiver-org');
          xml.up();
        }
      }
      xml.up().up();
      xml.end();
      out.end();
    } catch (e) {
      out.destroy(e as Error);
    }
  })();
  return out;
}
