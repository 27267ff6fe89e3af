/** Every area's `/api/v1` routes. An area adds its module here (one line). */
import type { ConsoleRouteModule } from '../api.js';
import { authRoutes } from './auth.js';
import { eventRoutes } from './events.js';
import { inboxRoutes } from './inbox.js';

export const routeModules: ConsoleRouteModule[] = [authRoutes, eventRoutes, inboxRoutes];
