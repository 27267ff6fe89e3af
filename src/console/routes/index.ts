/** Every area's `/api/v1` routes. An area adds its module here (one line). */
import type { ConsoleRouteModule } from '../api.js';
import { authRoutes } from './auth.js';
import { broadcastRoutes } from './broadcasts.js';
import { caseRoutes } from './case.js';
import { catalogueRoutes } from './catalogue.js';
import { eventRoutes } from './events.js';
import { inboxRoutes } from './inbox.js';
import { livechatRoutes } from './livechat.js';
import { operationsRoutes } from './operations.js';
import { settingsRoutes } from './settings.js';
import { staffRoutes } from './staff.js';
import { statisticsRoutes } from './statistics.js';

export const routeModules: ConsoleRouteModule[] = [
  authRoutes,
  eventRoutes,
  inboxRoutes,
  caseRoutes,
  livechatRoutes,
  catalogueRoutes,
  settingsRoutes,
  staffRoutes,
  statisticsRoutes,
  operationsRoutes,
  broadcastRoutes,
];
