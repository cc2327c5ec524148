import { organisationCalendar, seriesCalendar } from './calendar/feeds.ts';
import * as minutes from './minutes/service.ts';
import { getDigestSubscription, previewDigest, setDigestSubscription } from './reminders/digest.ts';
import { searchTalks } from './search/service.ts';
import { getSummary } from './summary/load.ts';

/** What the Talks publish, as use cases for the manifest (the contract test walks them). */
export const outputUseCases = [
  minutes.getMinutes,
  minutes.listMinutesVersions,
  minutes.minutesVersionPair,
  minutes.saveMinutes,
  minutes.setMinutesStatus,
  minutes.listMinutesComments,
  minutes.addMinutesComment,
  minutes.resolveMinutesComment,
  getDigestSubscription,
  previewDigest,
  setDigestSubscription,
  searchTalks,
  getSummary,
  seriesCalendar,
  organisationCalendar,
] as const;
