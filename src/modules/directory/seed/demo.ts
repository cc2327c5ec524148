import { and, eq, sql } from 'drizzle-orm';
import { audit } from '../../../core/audit/audit.ts';
import type { Ctx } from '../../../core/context.ts';
import { inTransaction, type Tx } from '../../../core/db/tx.ts';
import type { OrganisationFields, Outcome } from '../import/organisations.ts';
import { organisations, people, personContacts, personRoles } from '../schema.ts';
import { type DemoPerson, demoCities, demoPeople, demoRegions } from './demo-data.ts';
import { SeedTally, sectionName, seedUclgNetwork } from './uclg.ts';

const DEMO_NOTE = 'Demo data';

async function findOrg(tx: Tx, where: ReturnType<typeof sql>): Promise<string | undefined> {
  const rows = await tx.select({ id: organisations.id }).from(organisations).where(where).limit(1);
  return rows[0]?.id;
}

const findSection = (tx: Tx, key: string) =>
  findOrg(tx, sql`${organisations.kind} = 'section' AND ${organisations.name} = ${sectionName(key) ?? ''}`);

// A stable, plausible joining date per organisation, so that reseeding changes nothing.
const sinceFor = (n: number) => `${2004 + (n % 19)}-${String(1 + (n % 12)).padStart(2, '0')}-01`;

async function seedPerson(tx: Tx, p: DemoPerson, orgId: string, now: Date): Promise<Outcome> {
  let outcome: Outcome = 'unchanged';
  let [person] = await tx.select({ id: people.id }).from(people).where(eq(people.name, p.name)).limit(1);
  if (!person) {
    [person] = await tx
      .insert(people)
      .values({ name: p.name, title: p.title, createdAt: now, updatedAt: now })
      .returning({ id: people.id });
    outcome = 'created';
  }
  const [role] = await tx
    .select({ id: personRoles.id })
    .from(personRoles)
    .where(
      and(
        eq(personRoles.personId, person.id),
        eq(personRoles.organisationId, orgId),
        eq(personRoles.role, p.role),
      ),
    )
    .limit(1);
  if (!role) {
    await tx
      .insert(personRoles)
      .values({ personId: person.id, organisationId: orgId, role: p.role, since: p.since });
    if (outcome === 'unchanged') outcome = 'updated';
  }
  const contacts: [string, string][] = [['email', p.email]];
  if (p.phone) contacts.push(['phone', p.phone]);
  for (const [kind, value] of contacts) {
    const [found] = await tx
      .select({ id: personContacts.id })
      .from(personContacts)
      .where(
        and(
          eq(personContacts.personId, person.id),
          eq(personContacts.kind, kind),
          eq(personContacts.value, value),
        ),
      )
      .limit(1);
    if (!found) {
      // Contact details are restricted: only staff and the person's own organisations see them.
      await tx
        .insert(personContacts)
        .values({ personId: person.id, kind, value, confidentiality: 'restricted' });
      if (outcome === 'unchanged') outcome = 'updated';
    }
  }
  return outcome;
}

/**
 * A demo network on top of the UCLG seed: real cities in every Section with their national
 * associations, a few regions and partners, and invented people with restricted contacts.
 * Idempotent.
 */
export async function seedDemoNetwork(ctx: Ctx): Promise<void> {
  await inTransaction(ctx.db, async (tx) => {
    if (!(await findSection(tx, 'Europe'))) await seedUclgNetwork({ ...ctx, db: tx });
    const seed = new SeedTally(tx, ctx.now);
    const sections = new Map<string, string>();
    for (const key of [
      'Africa',
      'Asia-Pacific',
      'Eurasia',
      'Europe',
      'Middle East and West Asia',
      'Latin America',
      'North America',
      'Metropolis',
      'Forum of Regions',
    ]) {
      const id = await findSection(tx, key);
      if (id) sections.set(key, id);
    }

    await seed.org({
      kind: 'lg_association',
      name: 'Federation of Canadian Municipalities',
      names: { fr: 'Fédération canadienne des municipalités' },
      acronym: 'FCM',
      country: 'CA',
    });
    const northAmerica = sections.get('North America');
    const fcm = await findOrg(
      tx,
      sql`${organisations.kind} = 'lg_association' AND ${organisations.acronym} = 'FCM'`,
    );
    if (northAmerica && fcm)
      await seed.membership({ memberId: fcm, groupId: northAmerica, since: '2004-05-05', note: DEMO_NOTE });

    const partners: Omit<OrganisationFields, 'kind'>[] = [
      {
        name: 'Barcelona Centre for International Affairs',
        acronym: 'CIDOB',
        country: 'ES',
        names: { ca: "Centre d'Informació i Documentació Internacionals a Barcelona" },
      },
      { name: 'Gateway to Africa' },
    ];
    for (const p of partners) {
      await seed.org({
        kind: 'partner',
        ...p,
        description: { en: 'Shown as a Peace Talks partner in the demo network.' },
      });
    }

    for (const [i, c] of demoCities.entries()) {
      const id = await seed.org({
        kind: 'city',
        name: c.name,
        names: c.names ?? {},
        altNames: c.altNames ?? [],
        country: c.country,
        population: c.population,
        lat: c.lat,
        lon: c.lon,
        geonamesId: c.geonamesId,
        wikidataId: c.wikidataId ?? null,
      });
      for (const key of c.sections) {
        const groupId = sections.get(key);
        if (groupId)
          await seed.membership({
            memberId: id,
            groupId,
            since: sinceFor(c.geonamesId + i),
            note: DEMO_NOTE,
          });
      }
      if (c.association) {
        const association = await findOrg(
          tx,
          sql`${organisations.kind} = 'lg_association' AND ${organisations.country} = ${c.country}
              AND lower(${organisations.acronym}) = lower(${c.association})`,
        );
        if (association)
          await seed.membership({
            memberId: id,
            groupId: association,
            since: sinceFor(c.geonamesId),
            note: DEMO_NOTE,
          });
      }
    }

    const regions = sections.get('Forum of Regions');
    for (const r of demoRegions) {
      const id = await seed.org({ kind: 'region', ...r });
      if (regions)
        await seed.membership({ memberId: id, groupId: regions, since: '2019-01-01', note: DEMO_NOTE });
    }

    for (const p of demoPeople) {
      const orgId = await findOrg(
        tx,
        sql`${organisations.name} = ${p.organisation} AND ${organisations.archivedAt} IS NULL`,
      );
      if (orgId) seed.people[await seedPerson(tx, p, orgId, ctx.now)]++;
    }

    await audit(tx, ctx, {
      action: 'seed',
      entity: 'directory_organisations',
      after: {
        seed: 'demo',
        organisations: seed.organisations,
        memberships: seed.memberships,
        people: seed.people,
      },
    });
  });
}
