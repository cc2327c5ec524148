import { publicUrl } from '../../core/auth/onboarding.ts';
import { defineModule } from '../../core/module/manifest.ts';
import { actionLinkKind, actionUseCases, recommendationLinkKind } from './actions/index.ts';
import { registerTalksCommands } from './outputs/reminders/cli.ts';
import { REMINDERS_CRON, REMINDERS_QUEUE, sweepReminders } from './outputs/reminders/sweep.ts';
import { outputUseCases } from './outputs/use-cases.ts';
import { seedTalksDemo, talksRoutes } from './routes.ts';
import { sessionLinkKind } from './sessions/links.ts';
import { sessionUseCases } from './sessions/use-cases.ts';

export const auditEntities = [
  'talks_series',
  'talks_session',
  'talks_participant',
  'talks_registration',
  'talks_agenda_item',
  'talks_contribution',
  'talks_recommendation',
  'talks_action',
  'talks_action_update',
  'talks_action_import',
  'talks_minutes',
  'talks_minutes_comment',
  'talks_digest_subscription',
] as const;

declare module '../../core/module/parts.ts' {
  interface Parts {
    talks: { auditEntities: typeof auditEntities };
  }
}

/** The Talks: sessions, recommendations and actions, and what they publish. */
export const talksModule = defineModule({
  name: 'talks',
  description: 'Peace Talks sessions, their recommendations and the actions that follow them up',
  routes: [talksRoutes],
  locales: new URL('./locales', import.meta.url),
  nav: [
    { href: '/talks', label: 'nav.talks', order: 10 },
    { href: '/actions', label: 'nav.actions', order: 20 },
  ],
  linkKinds: [sessionLinkKind, actionLinkKind, recommendationLinkKind],
  jobs: [
    {
      queue: REMINDERS_QUEUE,
      cron: REMINDERS_CRON,
      // `data.now` may set the time the sweep acts at (tests, catching up).
      handler: (services) => async (data) => {
        const now =
          typeof data.now === 'string' && !Number.isNaN(Date.parse(data.now))
            ? new Date(data.now)
            : new Date();
        await sweepReminders(
          {
            db: services.database.db,
            mailer: services.mailer,
            jobs: services.jobs,
            baseUrl: publicUrl(services.config),
          },
          now,
        );
      },
    },
  ],
  seed: [
    {
      name: 'loading the demo Peace Talks',
      stage: 'demo',
      order: 20,
      run: async (ctx) => {
        await seedTalksDemo(ctx);
      },
    },
  ],
  commands: registerTalksCommands,
  useCases: [...sessionUseCases, ...actionUseCases, ...outputUseCases],
  auditEntities,
});
