/**
 * The sessions' use cases: series, sessions and their workflow, participants, registrations
 * with the waitlist, the agenda and contributions, each made with the kit's `defineUseCase`
 * (permission first, input parsed, one audited transaction per write).
 */
export * from './service-agenda.ts';
export * from './service-contributions.ts';
export * from './service-detail.ts';
export * from './service-participants.ts';
export * from './service-registrations.ts';
export * from './service-series.ts';
export * from './service-sessions.ts';
