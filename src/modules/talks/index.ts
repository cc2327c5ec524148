export { talksModule } from './module.ts';
export { keyMessages, splitKeyMessages } from './sessions/key-messages.ts';
export type { FoundingSession } from './sessions/seed.ts';
export { contentVisibleSql, sessionVisibility, visibleSessionSql } from './sessions/visibility.ts';
