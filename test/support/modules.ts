import { installModules } from '../../src/core/module/install.ts';
import { modules } from '../../src/modules/index.ts';

/** Every part installed, as the server installs them: import this before using their catalogues or seeds. */
installModules(modules);
