import { aidModule } from './aid/index.ts';
import { directoryModule } from './directory/index.ts';
import { fundModule } from './fund/index.ts';
import { talksModule } from './talks/index.ts';

/**
 * Every part of the product, in the order their routes, jobs and seed steps are registered.
 * A new part is one folder with its manifest (`module.ts`) and one line here.
 */
export const modules = [directoryModule, talksModule, fundModule, aidModule] as const;
