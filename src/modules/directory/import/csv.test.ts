import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../../test/support/database.ts';
import type { Ctx } from '../../../core/context.ts';
import { importOrganisationsCsv } from './csv.ts';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
const ctx = (): Ctx => ({ db: database.db, actor: null, locale: 'en', now: new Date(), requestId: 'cli' });

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.drop();
});

const count = async (table: 'organisations' | 'memberships' | 'audit_events') =>
  Number(
    (await database.db.execute<{ n: number }>(sql`SELECT count(*)::int8 AS n FROM ${sql.identifier(table)}`))
      .rows[0].n,
  );

const organisationsCsv = [
  'kind,name,name_fr,name_uk,acronym,alt_names,country,parent,population,lat,lon,geonames_id,wikidata_id,website',
  'network,United Cities and Local Governments,Cités et Gouvernements Locaux Unis,,UCLG,,,,,,,,,https://uclg.org',
  'section,Council of European Municipalities and Regions,"Conseil des Communes et Régions d\'Europe",,CEMR,CCRE,,UCLG,,,,,,',
  'city,Kyiv,Kyiv,Київ,,Kiev|Kiew,ua,,2797553,50.45466,30.5238,703448,Q1899,',
  'lg_association,Association of Ukrainian Cities,,Асоціація міст України,AUC,,UA,CEMR,,,,,,',
].join('\n');

describe('importOrganisationsCsv', () => {
  it('imports organisations with parents and names by language; a second run changes nothing', async () => {
    const first = await importOrganisationsCsv(ctx(), { csv: organisationsCsv });
    expect(first).toMatchObject({
      form: 'organisations',
      applied: true,
      created: 4,
      updated: 0,
      unchanged: 0,
      rejected: [],
    });
    const kyiv = await database.db.execute<Record<string, unknown>>(
      sql`SELECT names, alt_names, country, population, geonames_id, wikidata_id FROM organisations WHERE name = 'Kyiv'`,
    );
    expect(kyiv.rows[0]).toEqual({
      names: { en: 'Kyiv', fr: 'Kyiv', uk: 'Київ' },
      alt_names: ['Kiev', 'Kiew'],
      country: 'UA',
      population: 2797553,
      geonames_id: 703448,
      wikidata_id: 'Q1899',
    });
    const parents = await database.db.execute<{ child: string; parent: string }>(sql`
      SELECT c.acronym AS child, p.acronym AS parent FROM organisations c JOIN organisations p ON p.id = c.parent_id ORDER BY 1`);
    expect(parents.rows).toEqual([
      { child: 'AUC', parent: 'CEMR' },
      { child: 'CEMR', parent: 'UCLG' },
    ]);

    const second = await importOrganisationsCsv(ctx(), { csv: organisationsCsv });
    expect(second).toMatchObject({ applied: true, created: 0, updated: 0, unchanged: 4 });
    expect(await count('organisations')).toBe(4);
  });

  it('updates a changed row, matched by its ids or by kind, country and name', async () => {
    const csv =
      'kind,name,country,population\ncity,KYIV,UA,2800000\nlg_association,Association of Ukrainian Cities,UA,\n';
    const r = await importOrganisationsCsv(ctx(), { csv });
    expect(r).toMatchObject({ created: 0, updated: 1, unchanged: 1 });
    const again = await importOrganisationsCsv(ctx(), { csv });
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 2 });
  });

  it('writes nothing when a row is malformed, and names its line', async () => {
    const before = await count('organisations');
    const events = await count('audit_events');
    const csv = [
      'kind,name,country,population,lat,lon',
      'city,Lviv,UA,717273,49.83826,24.02324',
      'city,Odesa,UA,1015826,46.47747,30.73262',
      'city,Kharkiv,UA,many,49.98081,36.25272',
      'town,Nowhere,XX,,91,',
      'city,Dnipro,UA,,48.4593,35.03865',
    ].join('\n');
    const r = await importOrganisationsCsv(ctx(), { csv });
    expect(r.applied).toBe(false);
    expect(r.created).toBe(0);
    expect(r.rejected.map((x) => x.line)).toEqual([4, 5]);
    expect(r.rejected[0].reason).toMatch(/population/);
    expect(r.rejected[1].reason).toMatch(/kind/);
    expect(r.rejected[1].reason).toMatch(/country/);
    expect(r.rejected[1].reason).toMatch(/lat/);
    expect(await count('organisations')).toBe(before);
    expect(await count('audit_events')).toBe(events);
  });

  it('rolls back everything when a reference cannot be resolved, and names the line', async () => {
    const before = await count('organisations');
    const csv = 'kind,name,country,parent\ncity,Lviv,UA,AUC\ncity,Bucha,UA,No Such Association\n';
    const r = await importOrganisationsCsv(ctx(), { csv });
    expect(r).toMatchObject({ applied: false, created: 0 });
    expect(r.rejected).toEqual([{ line: 3, reason: expect.stringContaining('No Such Association') }]);
    expect(await count('organisations')).toBe(before);
  });

  it('counts lines of quoted cells spanning lines and skips blank lines', async () => {
    const csv = 'kind,name,acronym\n\nnetwork,"A network\nwith a long name",\ncity,,\n';
    const r = await importOrganisationsCsv(ctx(), { csv });
    expect(r.rejected).toEqual([{ line: 5, reason: 'name is empty' }]);
  });

  it('imports memberships matched by acronym, name or id; twice changes nothing', async () => {
    const csv = [
      'member,group,status,since,until,note',
      'AUC,CEMR,active,1999-01-01,,',
      'Q1899,AUC,active,1992-06-01,,',
      'Council of European Municipalities and Regions,UCLG,active,2004-05-05,,founding',
    ].join('\n');
    const first = await importOrganisationsCsv(ctx(), { csv });
    expect(first).toMatchObject({ form: 'memberships', applied: true, created: 3, updated: 0 });
    expect(await count('memberships')).toBe(3);
    const second = await importOrganisationsCsv(ctx(), { csv });
    expect(second).toMatchObject({ created: 0, updated: 0, unchanged: 3 });
    const bad = await importOrganisationsCsv(ctx(), {
      csv: 'member,group,status,since\nAUC,CEMR,gone,2020-13-01\n',
    });
    expect(bad.rejected).toEqual([
      { line: 2, reason: expect.stringMatching(/status.*since|since.*status/s) },
    ]);
  });

  it('refuses unknown columns, an unknown form, binary content and broken quoting as invalid_csv', async () => {
    await expect(
      importOrganisationsCsv(ctx(), { csv: 'kind,name,colour\ncity,Paris,blue\n' }),
    ).rejects.toMatchObject({
      code: 'invalid_csv',
      details: { reason: 'unknown_columns', columns: ['colour'] },
    });
    await expect(importOrganisationsCsv(ctx(), { csv: 'foo,bar\n1,2\n' })).rejects.toMatchObject({
      code: 'invalid_csv',
      details: { reason: 'unknown_form' },
    });
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0xff, 0xfe]);
    await expect(importOrganisationsCsv(ctx(), { csv: png })).rejects.toMatchObject({ code: 'invalid_csv' });
    await expect(
      importOrganisationsCsv(ctx(), { csv: 'kind,name\ncity,\u0000\u0001' }),
    ).rejects.toMatchObject({
      code: 'invalid_csv',
      details: { reason: 'binary' },
    });
    await expect(importOrganisationsCsv(ctx(), { csv: 'kind,name\ncity,"Paris\n' })).rejects.toMatchObject({
      code: 'invalid_csv',
      details: { reason: 'syntax' },
    });
    await expect(importOrganisationsCsv(ctx(), { csv: '' })).rejects.toMatchObject({ code: 'invalid_csv' });
  });

  it('accepts a UTF-8 file with a byte order mark', async () => {
    const bytes = new TextEncoder().encode('\ufeffkind,name,country\ncity,Kraków,PL\n');
    const r = await importOrganisationsCsv(ctx(), { csv: bytes });
    expect(r).toMatchObject({ applied: true, created: 1 });
  });
});
