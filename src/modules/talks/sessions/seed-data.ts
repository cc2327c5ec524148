/**
 * The founding document (`shared/seed/municipal-peace-talks-2022-04-01.txt`): the session of
 * 1 April 2022 of the UCLG Municipal Peace Talks, as structured data. Key messages are the
 * passages the document sets in bold, marked `**…**`.
 */

export const SERIES = {
  slug: 'municipal-peace-talks',
  title: {
    en: 'The UCLG Municipal Peace Talks',
    fr: 'Les Dialogues municipaux pour la paix de CGLU',
    es: 'Los Diálogos Municipales por la Paz de CGLU',
  },
  subtitle: {
    en: 'Local, regional governments and their associations leading dialogues for peace',
    fr: 'Les gouvernements locaux et régionaux et leurs associations à la tête de dialogues pour la paix',
    es: 'Los gobiernos locales y regionales y sus asociaciones al frente de diálogos por la paz',
  },
  description: {
    en: 'A platform for municipal conversations on peace: sessions that bring together local and regional governments, their associations and peacebuilding partners, and follow up what they recommend.',
    fr: 'Une plateforme de conversations municipales sur la paix : des sessions qui réunissent les gouvernements locaux et régionaux, leurs associations et des partenaires de la consolidation de la paix, et qui suivent ce qu’ils recommandent.',
    es: 'Una plataforma de conversaciones municipales sobre la paz: sesiones que reúnen a los gobiernos locales y regionales, sus asociaciones y socios de la construcción de paz, y que dan seguimiento a lo que recomiendan.',
  },
};

/** The partners of the session, found in the directory by acronym or name (created when missing). */
export const PARTNERS = [
  {
    key: 'ACCORD',
    name: 'African Centre for the Constructive Resolution of Disputes',
    acronym: 'ACCORD',
    country: 'ZA',
  },
  { key: 'CIDOB', name: 'Barcelona Centre for International Affairs', acronym: 'CIDOB', country: 'ES' },
  { key: 'Gateway to Africa', name: 'Gateway to Africa', acronym: null, country: null },
  { key: 'PAX', name: 'PAX', acronym: 'PAX', country: 'NL' },
] as const;

export type PartnerKey = (typeof PARTNERS)[number]['key'];

export const FOUNDING_SESSION = {
  // The document gives the day, not the hour: an afternoon in Barcelona, where UCLG is based.
  startsAt: '2022-04-01T12:00:00.000Z',
  endsAt: '2022-04-01T14:00:00.000Z',
  timezone: 'Europe/Madrid',
  title: SERIES.title,
  subtitle: SERIES.subtitle,
  summary: {
    en: [
      'Building on the outcomes of the preparatory session of the UCLG Municipal Peace Talks, the session on 1 April brought together peacebuilding partners to deliver recommendations to local and regional governments.',
      'The representatives from ACCORD, CIDOB, Gateway to Africa, and PAX, provided their perspectives on the current state of local peacebuilding and delivered their views on how local and regional governments could become better involved in global peacebuilding and a crucial actor in fostering dialogue and post-conflict and conflict prevention initiatives.',
      'UCLG Secretaries-General and representatives from the UCLG Membership, including representatives from the Ukrainian Association of National Governments, took stock of the recommendations, and provided their own insights on what needs to happen to ensure peace from the bottom-up.',
    ].join('\n\n'),
  },
};

/** Who said what, in the order of the document. `speaker`: a group label, or a partner key. */
export const FOUNDING_CONTRIBUTIONS: { speaker: { en: string; fr?: string; es?: string }; body: string }[] = [
  {
    speaker: { en: 'Opening of the session', fr: 'Ouverture de la session', es: 'Apertura de la sesión' },
    body: 'The session opened with a reminder that, in international relations, the interaction between cities and regions is different from that between national governments. This, it was recalled, is the defining trait of local diplomacy: the dialogue opened up by the municipal sphere, which goes beyond mediation and sees local peacebuilding and inclusivity as the way forward, which is also the position from local and regional governments to the international system.',
  },
  {
    speaker: {
      en: 'Partners from the civil society',
      fr: 'Partenaires de la société civile',
      es: 'Socios de la sociedad civil',
    },
    body: 'Partners from the civil society identified that the architecture for peace at the global level is currently very fragile, and constantly under threat, as evidenced by the current global conflicts. The challenge lies in finding new ways to improve the multilateral system to promote its peacebuilding sphere. Cities are the spaces where global decisions affect the most, and conflicts are currently fought in cities. That makes cities the space where decisions need to be made in the coming decades.',
  },
  {
    speaker: {
      en: 'Partners from the civil society',
      fr: 'Partenaires de la société civile',
      es: 'Socios de la sociedad civil',
    },
    body: 'Partners further emphasized that the approach from peacebuilding organizations lies, in the same way as in local and regional government networks, to **transcend the classical state-level approach**. Cities are targets of violence between national governments, but they have also been the places of resistance. This context allows us, also, to **think about how cities could become the last safe haven in contexts of war**.',
  },
  {
    speaker: { en: 'Participants', fr: 'Participants', es: 'Participantes' },
    body: "Building on the new type of multilateralism identified in the UNSG's Common Agenda identifies, participants argued that it opens up spaces for local and regional governments to transform how we see peacebuilding. When addressing the conflict in Ukraine, for instance, **the transformative efforts of local and regional governments that included Russian cities and regions in their conversations**, bring a different perspective to that of the national governments. This can contribute to harnessing a different system, building diplomacy from the bottom-up and developing a complementary vision of multilateralism.",
  },
  {
    speaker: { en: 'Participants', fr: 'Participants', es: 'Participantes' },
    body: 'Once the war is over, participants highlighted, reconciliation will come through cities. The example of Lebanon was brought up, with participants **highlighting the importance of mayors who remained at their posts during the worst of the crisis**, calling on their colleagues at the City Council to return, and establishing a strong legal and sustainable framework that allowed them to lead the reconciliation processes.',
  },
  {
    speaker: { en: 'Participants', fr: 'Participants', es: 'Participantes' },
    body: 'The role of youth in conflict resolution was identified as critical. Often, the burden of conflict falls upon those most vulnerable. Young people and women are often the most among those displaced and are most at risk when crossing borders. **It is important for border local and regional governments to support displaced populations, in particular children, women, and young people**, and to bring them to decision-making to ensure they are protected.',
  },
  {
    speaker: { en: 'Participants', fr: 'Participants', es: 'Participantes' },
    body: 'Throughout the session, participants referenced the challenges that migrants and displaced populations were **facing, calling to recognise the role of cities and regions as first respondents**. They further stressed the importance of building humanitarian corridors in situations of conflict, and cities are best placed to guarantee the security and integrity of their inhabitants.',
  },
  {
    speaker: {
      en: 'Representatives from the Sections',
      fr: 'Représentants des Sections',
      es: 'Representantes de las Secciones',
    },
    body: 'The representatives from the Sections highlighted the importance of the local sphere in dealing with the actions of national governments, and the importance of conversations among governments in regards to peace, ensuring that all the regions of the world are part of the conversation and can thus contribute to the unity of the municipal movement against wars.',
  },
  {
    speaker: { en: 'Participants', fr: 'Participants', es: 'Participantes' },
    body: 'Participants argued that conflicts, in particular the ongoing war in Ukraine, have a strong urban component, affecting cities and disrupting lives. **Mayors are being attacked, which is in itself an attack on local self-governance, and a direct hit to the founding principles of the municipal movement**. One of the roles of the municipal movement remains to protect and foster peace and local democratic self-governance even in the most conflicted scenarios. Fostering sister city relations is critical to promoting peace in post-conflict reconciliation and reconstruction.',
  },
  {
    speaker: { en: 'Participants', fr: 'Participants', es: 'Participantes' },
    body: 'The need to bring together a culture of peace was seen as an imperative in the session. This Culture of Peace means a set of values to ensure global peace, was addressed by participants. It is important to make the link between human rights and peace: the former cannot exist without the latter. The global campaign on human rights that UCLG, together with the OHCHR Office, is launching, promotes peace as the first pillar of human rights, human dignity and emancipation. **Developing a culture of peace also calls on us to develop, from the local and regional sphere, opposition to a reinvigorated nuclear race**, as the current conflict in Ukraine reminds us.',
  },
];
