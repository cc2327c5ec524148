import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseCsv } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateXML } from 'xmllint-wasm';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';
import { makeOrganisation } from '../../../test/support/factories.ts';
import type { Actor } from '../../core/context.ts';
import { ledgerColumns } from './exports.ts';
import {
  commitGrant,
  disburseGrant,
  recordContribution,
  recordExpenditure,
  recordFee,
  recordPledge,
  refundContribution,
  reverseTransaction,
} from './service-postings.ts';

// The standards beside the checkout (../shared), else the copies kept with the tests.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const shared = path.resolve(root, '../shared/standards/iati');
const standards = existsSync(path.join(shared, 'schema/iati-activities-schema.xsd'))
  ? shared
  : path.join(root, 'test/fixtures/iati');
const file = (p: string) => readFileSync(path.join(standards, p), 'utf8');
const codes = (list: string) =>
  new Set([...file(`codelists/${list}.xml`).matchAll(/<code>([^<]+)<\/code>/g)].map((m) => m[1]));
const attrs = (xml: string, el: string, attr: string) =>
  [...xml.matchAll(new RegExp(`<${el}\\b[^>]*\\s${attr}="([^"]*)"`, 'g'))].map((m) => m[1]);

const treasurer: Actor = {
  userId: '00000000-0000-4000-8000-000000000001',
  email: 't@example.org',
  name: 'Treasurer',
  roles: [{ role: 'treasurer', scopeOrgId: null }],
  mfa: true,
};

describe('fund exports', () => {
  let t: TestApp;
  let xml: string;
  beforeAll(async () => {
    t = await createTestApp();
    const donor = (await makeOrganisation(t.database.db, { kind: 'city', name: 'Utrecht', country: 'NL' }))
      .id;
    const assoc = (
      await makeOrganisation(t.database.db, { kind: 'lg_association', name: 'VNG', country: 'NL' })
    ).id;
    const city = (
      await makeOrganisation(t.database.db, { kind: 'city', name: 'Irpin & <Bucha>', country: 'UA' })
    ).id;
    const c = t.ctx(treasurer);
    let n = 0;
    const key = () => `iati-test-${n++}`;
    await recordPledge(c, {
      contributorOrgId: assoc,
      amountMinor: 1_000_00,
      currency: 'EUR',
      idempotencyKey: key(),
    });
    await recordContribution(c, {
      contributorOrgId: donor,
      amountMinor: 5_000_00,
      currency: 'EUR',
      idempotencyKey: key(),
      memo: '=SUM(A1)',
    });
    await recordContribution(c, {
      contributorOrgId: assoc,
      amountMinor: 1_000_00,
      currency: 'USD',
      convertedTo: { currency: 'EUR', amountMinor: 920_00 },
      idempotencyKey: key(),
    });
    const g = await commitGrant(c, {
      communityOrgId: city,
      amountMinor: 3_000_00,
      currency: 'EUR',
      idempotencyKey: key(),
    });
    await disburseGrant(c, {
      communityOrgId: city,
      amountMinor: 1_000_00,
      currency: 'EUR',
      idempotencyKey: key(),
    });
    await recordExpenditure(c, {
      communityOrgId: city,
      amountMinor: 200_00,
      currency: 'EUR',
      idempotencyKey: key(),
    });
    await recordFee(c, { amountMinor: 3_50, currency: 'EUR', idempotencyKey: key() });
    await refundContribution(c, {
      contributorOrgId: donor,
      amountMinor: 100_00,
      currency: 'EUR',
      idempotencyKey: key(),
    });
    const extra = await commitGrant(c, {
      communityOrgId: city,
      amountMinor: 10_00,
      currency: 'EUR',
      idempotencyKey: key(),
    });
    await reverseTransaction(c, { transactionId: extra.transactionId, idempotencyKey: key() });
    expect(g.status).toBe('posted');
    const r = await t.app.inject({ method: 'GET', url: '/fund/exports/iati.xml' });
    expect(r.statusCode).toBe(200);
    xml = r.body;
  });
  afterAll(async () => t.close());

  const validate = (contents: string) =>
    validateXML({
      xml: [{ fileName: 'fund.xml', contents }],
      schema: [
        { fileName: 'iati-activities-schema.xsd', contents: file('schema/iati-activities-schema.xsd') },
      ],
      preload: [
        { fileName: 'iati-common.xsd', contents: file('schema/iati-common.xsd') },
        { fileName: 'xml.xsd', contents: file('schema/xml.xsd') },
      ],
    });

  it('is an IATI 2.03 activity that validates against the official schema', async () => {
    const result = await validate(xml);
    expect(result.errors).toEqual([]);
    expect(result.valid).toBe(true);
    // The validator does reject an activity without its status.
    expect((await validate(xml.replace(/<activity-status[^>]*\/>/, ''))).valid).toBe(false);
    expect(xml).toMatch(/<iati-activities version="2\.03"/);
  });

  it('uses only codes of the IATI codelists, and the right transaction types', () => {
    const types = attrs(xml, 'transaction-type', 'code');
    expect(types).toEqual(['13', '1', '1', '2', '3', '4', '4', '1', '2', '2']);
    for (const c of types) expect(codes('TransactionType')).toContain(c);
    for (const c of attrs(xml, 'participating-org', 'role')) expect(codes('OrganisationRole')).toContain(c);
    expect(new Set(attrs(xml, 'participating-org', 'role'))).toEqual(new Set(['1', '2', '3', '4']));
    const orgTypes = [
      ...attrs(xml, 'participating-org', 'type'),
      ...attrs(xml, 'provider-org', 'type'),
      ...attrs(xml, 'receiver-org', 'type'),
      ...attrs(xml, 'reporting-org', 'type'),
    ];
    for (const c of orgTypes) expect(codes('OrganisationType')).toContain(c);
    for (const c of attrs(xml, 'activity-status', 'code')) expect(codes('ActivityStatus')).toContain(c);
    for (const c of attrs(xml, 'activity-date', 'type')) expect(codes('ActivityDateType')).toContain(c);
    for (const c of [...attrs(xml, 'value', 'currency'), ...attrs(xml, 'iati-activity', 'default-currency')])
      expect(codes('Currency')).toContain(c);
    // The refund and the reversed commitment are negative values of their type.
    expect(xml).toContain('>-100.00</value>');
    expect(xml).toContain('>-10.00</value>');
    expect(xml).toContain('Irpin &amp; &lt;Bucha&gt;');
  });

  it('exports the ledger as CSV, HXL-tagged CSV and JSON', async () => {
    const csv = await t.app.inject({ method: 'GET', url: '/fund/exports/ledger.csv' });
    const rows = parseCsv(csv.body) as string[][];
    expect(rows[0]).toEqual([...ledgerColumns]);
    expect(rows).toHaveLength(11);
    expect(rows[2][rows[0].indexOf('memo')]).toBe("'=SUM(A1)");
    expect(rows[2][rows[0].indexOf('amount')]).toBe('5000.00');
    const hxl = parseCsv(
      (await t.app.inject({ method: 'GET', url: '/fund/exports/ledger.hxl.csv' })).body,
    ) as string[][];
    expect(hxl[0]).toEqual(rows[0]);
    expect(hxl[1]).toHaveLength(rows[0].length);
    for (const tag of hxl[1]) expect(tag).toMatch(/^#[a-z][a-z0-9_]*(\s*\+[a-z][a-z0-9_]*)*$/);
    expect(hxl[1][rows[0].indexOf('amount')]).toBe('#value');
    expect(hxl[1][rows[0].indexOf('currency')]).toBe('#currency+code');
    expect(hxl.slice(2)).toEqual(rows.slice(1));
    const json = (await t.app.inject({ method: 'GET', url: '/fund/exports/ledger.json' })).json();
    expect(json.transactions).toHaveLength(10);
    expect(json.transactions[0]).toMatchObject({
      seq: 1,
      kind: 'pledge',
      amountMinor: 100000,
      amount: '1000.00',
    });
  });
});
