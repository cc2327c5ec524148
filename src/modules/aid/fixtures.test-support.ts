import type { TestApp } from '../../../test/support/app.ts';
import { makeOrganisation } from '../../../test/support/factories.ts';

/** Organisations for aid tests: a few Ukrainian and Polish cities with their public coordinates. */
export async function aidPlaces(t: TestApp) {
  const org = async (name: string, lat: number, lon: number, country: string) =>
    (await makeOrganisation(t.database.db, { kind: 'city', name, country, lat, lon })).id;
  return {
    kharkiv: await org('Kharkiv', 49.99, 36.23, 'UA'),
    lviv: await org('Lviv', 49.84, 24.03, 'UA'),
    przemysl: await org('Przemyśl', 49.78, 22.77, 'PL'),
    barcelona: await org('Barcelona', 41.39, 2.17, 'ES'),
  };
}
