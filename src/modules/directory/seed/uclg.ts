import { audit } from '../../../core/audit/audit.ts';
import type { Ctx } from '../../../core/context.ts';
import { inTransaction, type Tx } from '../../../core/db/tx.ts';
import type { I18nText } from '../../../core/validation/input.ts';
import {
  type MembershipFields,
  type OrganisationFields,
  type Outcome,
  upsertMembership,
  upsertOrganisation,
} from '../import/organisations.ts';
import { readSeedCsv } from './read-data.ts';

/** Counts of what a seed created, updated or found unchanged. */
export class SeedTally {
  organisations: Record<Outcome, number> = { created: 0, updated: 0, unchanged: 0 };
  memberships: Record<Outcome, number> = { created: 0, updated: 0, unchanged: 0 };
  people: Record<Outcome, number> = { created: 0, updated: 0, unchanged: 0 };
  constructor(
    private tx: Tx,
    private now: Date,
  ) {}
  async org(f: OrganisationFields): Promise<string> {
    const r = await upsertOrganisation(this.tx, f, this.now);
    this.organisations[r.outcome]++;
    return r.id;
  }
  async membership(f: MembershipFields): Promise<void> {
    this.memberships[await upsertMembership(this.tx, f, this.now)]++;
  }
}

export const UCLG_NAME = 'United Cities and Local Governments';

interface SectionDetails {
  name: string;
  names: I18nText;
  acronym: string | null;
  altNames: string[];
}

// Names in UCLG's three languages for the sections of uclg_sections.csv (keyed by its `section`).
const sectionDetails: Record<string, SectionDetails> = {
  Africa: {
    name: 'UCLG Africa',
    names: { en: 'UCLG Africa', fr: 'CGLU Afrique', es: 'CGLU África' },
    acronym: 'UCLG-A',
    altNames: ['UCLGA'],
  },
  'Asia-Pacific': {
    name: 'UCLG Asia-Pacific',
    names: { en: 'UCLG Asia-Pacific', fr: 'CGLU Asie-Pacifique', es: 'CGLU Asia-Pacífico' },
    acronym: 'UCLG ASPAC',
    altNames: [],
  },
  Eurasia: {
    name: 'UCLG Eurasia',
    names: { en: 'UCLG Eurasia', fr: 'CGLU Eurasie', es: 'CGLU Eurasia', ru: 'ОГМВ Евразия' },
    acronym: null,
    altNames: ['UCLG EuroAsia', 'Euro-Asia Section of UCLG'],
  },
  Europe: {
    name: 'Council of European Municipalities and Regions',
    names: {
      en: 'Council of European Municipalities and Regions',
      fr: "Conseil des Communes et Régions d'Europe",
      es: 'Consejo de Municipios y Regiones de Europa',
    },
    acronym: 'CEMR',
    altNames: ['CCRE'],
  },
  'Middle East and West Asia': {
    name: 'UCLG Middle East and West Asia',
    names: {
      en: 'UCLG Middle East and West Asia',
      fr: "CGLU Moyen-Orient et Asie de l'Ouest",
      es: 'CGLU Oriente Medio y Asia Occidental',
    },
    acronym: 'UCLG-MEWA',
    altNames: [],
  },
  'Latin America': {
    name: 'Latin American Federation of Cities, Municipalities and Local Government Associations',
    names: {
      en: 'Latin American Federation of Cities, Municipalities and Local Government Associations',
      fr: 'Fédération latino-américaine des villes, municipalités et associations de gouvernements locaux',
      es: 'Federación Latinoamericana de Ciudades, Municipios y Asociaciones de Gobiernos Locales',
    },
    acronym: 'FLACMA',
    altNames: [],
  },
  'North America': {
    name: 'UCLG North America',
    names: { en: 'UCLG North America', fr: 'CGLU Amérique du Nord', es: 'CGLU América del Norte' },
    acronym: null,
    altNames: ['UCLG NORAM'],
  },
  Metropolis: {
    name: 'Metropolis',
    names: {
      en: 'Metropolis – World Association of the Major Metropolises',
      fr: 'Metropolis – Association mondiale des grandes métropoles',
      es: 'Metropolis – Asociación Mundial de las Grandes Metrópolis',
    },
    acronym: null,
    altNames: [],
  },
  'Forum of Regions': {
    name: 'UCLG Forum of Regions',
    names: { en: 'UCLG Forum of Regions', fr: 'Forum des régions de CGLU', es: 'Foro de Regiones de CGLU' },
    acronym: null,
    altNames: ['ORU Fogar', 'World Organization of Regions'],
  },
};

const sectionType: Record<string, I18nText> = {
  'regional section': {
    en: 'Regional section of UCLG',
    fr: 'Section régionale de CGLU',
    es: 'Sección regional de CGLU',
  },
  'metropolitan section': {
    en: 'Metropolitan section of UCLG',
    fr: 'Section métropolitaine de CGLU',
    es: 'Sección metropolitana de CGLU',
  },
  'section for regional governments': {
    en: 'Section of UCLG for regional governments',
    fr: 'Section de CGLU pour les gouvernements régionaux',
    es: 'Sección de CGLU para los gobiernos regionales',
  },
};

function sectionDescription(row: Record<string, string>): I18nText {
  const type = sectionType[row.type] ?? { en: row.type, fr: row.type, es: row.type };
  const seat = row.seat_or_office_city;
  const en = [`${type.en} (${row.common_name_or_acronym}).`];
  if (seat) en.push(`Office: ${seat}.`);
  if (row.note) en.push(`Note: ${row.note}.`);
  en.push(`Sources: ${row.source_url}`);
  return {
    en: en.join(' '),
    fr: seat ? `${type.fr}. Bureau : ${seat}.` : `${type.fr}.`,
    es: seat ? `${type.es}. Oficina: ${seat}.` : `${type.es}.`,
  };
}

/** The recorded name of a Section, by its key in uclg_sections.csv. */
export const sectionName = (key: string): string | undefined => sectionDetails[key]?.name;

/** Facts about some associations beyond the CEMR list (see data/README.md for sources). */
const associationFacts: Record<string, Partial<OrganisationFields>> = {
  'UA:AUC': {
    altNames: ['АМУ'],
    description: {
      en: 'Founded in June 1992; unites 1,009 Ukrainian cities, settlements and villages where more than 90% of the population lives. Central office in Kyiv, 24 regional offices. Represents Ukraine within CEMR and UCLG.',
      fr: 'Fondée en juin 1992 ; réunit 1 009 villes, localités et villages ukrainiens. Siège à Kyiv. Représente l’Ukraine au CCRE et à CGLU.',
      es: 'Fundada en junio de 1992; reúne 1.009 ciudades, asentamientos y pueblos de Ucrania. Sede en Kiev. Representa a Ucrania en el CMRE y en CGLU.',
      uk: 'Заснована в червні 1992 року; об’єднує 1009 міст, селищ і сіл України. Центральний офіс у Києві.',
    },
  },
  'NL:VNG': {
    description: {
      en: 'Its international cooperation agency, VNG International, hosts the secretariat of the UCLG Peace Prize.',
    },
  },
};

/** Partners of the Municipal Peace Talks that the sources confirm (see data/README.md). */
const partners: OrganisationFields[] = [
  {
    kind: 'partner',
    name: 'African Centre for the Constructive Resolution of Disputes',
    names: {
      fr: 'Centre africain pour la résolution constructive des différends',
      es: 'Centro Africano para la Resolución Constructiva de Disputas',
    },
    acronym: 'ACCORD',
    country: 'ZA',
    website: 'https://www.accord.org.za',
    description: {
      en: 'Based in Durban. Its Executive Director moderated the Municipal Peace Talks panel of 1 April 2022; memorandum of understanding with UCLG Africa signed on 10 August 2020.',
    },
  },
  {
    kind: 'partner',
    name: 'PAX',
    acronym: 'PAX',
    country: 'NL',
    altNames: ['PAX for Peace'],
    description: {
      en: 'Partner of the Municipal Peace Talks plenary at the UCLG World Council in The Hague (October 2024); runs the UCLG Peace Prize with VNG International.',
    },
  },
  {
    kind: 'partner',
    name: 'VNG International',
    country: 'NL',
    description: {
      en: 'International cooperation agency of the Association of Netherlands Municipalities (VNG); hosts the secretariat of the UCLG Peace Prize in The Hague and led the session "Peace begins here" at the UCLG World Council 2024.',
    },
  },
];

/**
 * The UCLG world organisation, its nine Sections, the CEMR member associations (members of the
 * Europe Section) and the Peace Talks partners. Idempotent: a second run changes nothing.
 */
export async function seedUclgNetwork(ctx: Ctx): Promise<void> {
  await inTransaction(ctx.db, async (tx) => {
    const seed = new SeedTally(tx, ctx.now);
    const uclg = await seed.org({
      kind: 'network',
      name: UCLG_NAME,
      names: {
        en: UCLG_NAME,
        fr: 'Cités et Gouvernements Locaux Unis',
        es: 'Ciudades y Gobiernos Locales Unidos',
      },
      acronym: 'UCLG',
      altNames: ['CGLU'],
      website: 'https://www.uclg.org',
      description: {
        en: 'World organisation of local and regional governments, founded on 5 May 2004 in Paris; World Secretariat in Barcelona. Official languages: English, French, Spanish.',
        fr: 'Organisation mondiale des gouvernements locaux et régionaux, fondée le 5 mai 2004 à Paris ; Secrétariat mondial à Barcelone.',
        es: 'Organización mundial de los gobiernos locales y regionales, fundada el 5 de mayo de 2004 en París; Secretariado Mundial en Barcelona.',
      },
    });

    const sectionIds = new Map<string, string>();
    for (const row of readSeedCsv('uclg_sections.csv')) {
      const d = sectionDetails[row.section];
      if (!d) throw new Error(`seed: no details for the section ${row.section}`);
      const id = await seed.org({
        kind: 'section',
        name: d.name,
        names: d.names,
        acronym: d.acronym,
        altNames: d.altNames,
        parentId: uclg,
        description: sectionDescription(row),
      });
      sectionIds.set(row.section, id);
      await seed.membership({ memberId: id, groupId: uclg, status: 'active' });
    }

    const fullNames = new Map(readSeedCsv('association_names.csv').map((r) => [`${r.iso2}:${r.acronym}`, r]));
    const cemr = sectionIds.get('Europe')!;
    for (const row of readSeedCsv('cemr_member_associations.csv')) {
      const known = fullNames.get(`${row.iso2}:${row.acronym}`);
      const acronym = known?.display_acronym || row.acronym;
      const names: I18nText = {};
      if (known?.lang && known.name_local) names[known.lang] = known.name_local;
      const id = await seed.org({
        kind: 'lg_association',
        name: known?.name_en || acronym,
        names,
        acronym,
        country: row.iso2,
        parentId: null,
        description: row.source_note ? { en: row.source_note } : undefined,
        ...associationFacts[`${row.iso2}:${row.acronym}`],
      });
      await seed.membership({
        memberId: id,
        groupId: cemr,
        status: 'active',
        note: row.membership_note ? `CEMR: ${row.membership_note}` : null,
      });
    }

    for (const p of partners) await seed.org(p);

    await audit(tx, ctx, {
      action: 'seed',
      entity: 'directory_organisations',
      after: { seed: 'uclg', organisations: seed.organisations, memberships: seed.memberships },
    });
  });
}
