import * as agenda from './service-agenda.ts';
import * as contributions from './service-contributions.ts';
import * as detail from './service-detail.ts';
import * as participants from './service-participants.ts';
import * as registrations from './service-registrations.ts';
import * as series from './service-series.ts';
import * as sessions from './service-sessions.ts';

/** The sessions' use cases, for the manifest (the contract test walks them). */
export const sessionUseCases = [
  series.createSeries,
  series.updateSeries,
  series.listSeries,
  series.getSeries,
  sessions.createSession,
  sessions.updateSession,
  sessions.changeSessionStatus,
  sessions.copySession,
  sessions.listSessions,
  sessions.getSessionForEdit,
  sessions.sessionTitle,
  detail.getSession,
  participants.addParticipant,
  participants.removeParticipant,
  registrations.registerForSession,
  registrations.cancelRegistration,
  registrations.checkInRegistration,
  registrations.listRegistrations,
  agenda.addAgendaItem,
  agenda.updateAgendaItem,
  agenda.removeAgendaItem,
  agenda.getAgendaItem,
  contributions.addContribution,
  contributions.updateContribution,
  contributions.removeContribution,
  contributions.listContributions,
  contributions.getContribution,
] as const;
