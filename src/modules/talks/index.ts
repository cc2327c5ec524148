export { talksModule } from './module.ts';
export { seedTalksDemo } from './routes.ts';
export { keyMessages, splitKeyMessages } from './sessions/key-messages.ts';
export type { FoundingSession } from './sessions/seed.ts';
export { contentVisibleSql, sessionVisibility, visibleSessionSql } from './sessions/visibility.ts';
