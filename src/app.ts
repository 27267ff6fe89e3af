/**
 * Assembles the product from a `Config`: database (migrated, catalogue seeded), queue transport,
 * the HTTP face (web role) and the workers (worker role). `main.ts` decides where Postgres and
 * Redis come from; tests call `startApp` directly with their own database and key prefix.
 */
import type { FastifyInstance } from 'fastify';
import { conversationMachine, CONVERSATION_VERSION } from '../flows/conversation.js';
import { seedPublicHolidays } from './cases/holidays.js';
import { caseService, type CaseService } from './cases/service.js';
import { listenForSettingsChanges } from './catalogue/changes.js';
import { CatalogueCache } from './catalogue/search.js';
import { readCatalogue, seedCatalogueIfEmpty } from './catalogue/seed.js';
import { staffChannels } from './cases/staff-notifications/channels.js';
import { CaseSettingsCache } from './cases/settings.js';
import { staffNotificationSink } from './cases/staff-notifications/sink.js';
import type { ChannelModule, ChannelParts, Intake } from './channels/registry.js';
import { telegramChannel } from './channels/telegram/index.js';
import type { ChannelName } from './domain/messages.js';
import type { ChannelSender } from './channels/types.js';
import { webChatChannel } from './channels/webchat/index.js';
import { whatsappCloudChannel } from './channels/whatsapp-cloud/index.js';
import type { WebJsClient } from './channels/whatsapp-web/client.js';
import { whatsappWebChannel } from './channels/whatsapp-web/index.js';
import { fairUseFrom, photoWanted } from './conversation/fair-use.js';
import { ingest } from './conversation/ingest.js';
import { ingestOrSetAside, setAside, storeOrSetAside } from './conversation/set-aside.js';
import { markUnreachable, recordDeliveryStatus } from './queues/outbound.js';
import type { Config } from './config.js';
import type { PipelineContext } from './conversation/context.js';
import { createDb } from './db/client.js';
import { isOutage } from './db/errors.js';
import { runMigrations } from './db/migrate.js';
import { ConsoleLive, consoleCaseSink } from './console/live.js';
import { registerConsole } from './console/plugin.js';
import { buildProbeServer, buildServer, serverOptionsFrom } from './http/server.js';
import { registerIntegrationAdmin } from './integrations/admin-routes.js';
import { registerOpen311 } from './integrations/open311/routes.js';
import { registerStatusApi } from './integrations/status-api.js';
import { webhookDeliveries } from './integrations/webhooks/deliver.js';
import { webhookSink } from './integrations/webhooks/sink.js';
import type { Logger } from './logger.js';
import { mediaFetches, type MediaFetcher } from './media/fetch.js';
import { createMediaStorage, type MediaStorage } from './media/storage.js';
import { createMetrics } from './metrics.js';
import { nikKeysOf } from './pii/nik.js';
import { registerPrivacyNotice } from './privacy/notice.js';
import { createEnqueue } from './queues/enqueue.js';
import { StepWake } from './queues/stepper.js';
import { staffNotificationsOwed } from './queues/staff-notifications.js';
import { caseTimerAlarms } from './cases/sla-jobs.js';
import { livechatTimers } from './livechat/timers.js';
import { createTransport, type TransportConfig } from './queues/transport.js';
import type { PurgeCounts } from './retention/purge.js';
import { purgeNow, retentionAlarm, retentionSettings } from './retention/schedule.js';
import { startWorkers } from './queues/workers.js';
import { BroadcastService } from './broadcasts/broadcasts.js';
import { broadcastsOwed, type BroadcastSettings } from './broadcasts/engine.js';
import { bulkChannels } from './broadcasts/segment.js';

export type Role = 'all' | 'web' | 'worker';

export interface AppOptions {
  config: Config;
  log: Logger;
  role: Role;
  /** Resolved by main.ts (embedded Postgres) or the tests. */
  databaseUrl: string;
  transport: TransportConfig;
  now?: () => Date;
  /** Tests drive WhatsApp Web with a fake client; production builds the real one. */
  whatsappWebClientFactory?: () => WebJsClient;
  /** `/metrics` also serves the process's own figures (CPU, memory, GC): main.ts's process, not a test's apps. */
  processFigures?: boolean;
}

export interface App {
  ctx: PipelineContext;
  /** Set for the web role, once listening. */
  http: FastifyInstance | null;
  url: string | null;
  /** A worker's `/healthz`, `/readyz` and `/metrics`, when METRICS_PORT asked for them. */
  probesUrl: string | null;
  /** Where accepted photos and their thumbnails are kept (the `media` table holds their keys). */
  mediaStorage: MediaStorage;
  /** The staff-facing case service (console, Open311, dinas systems): every call names its actor. */
  cases: CaseService;
  /** Broadcasts as staff handle them (the console's API uses this; tests and tools may too). */
  broadcasts: BroadcastService;
  /** Runs the retention purge now, whatever the schedule (operators, tests); counts per kind. */
  purgeExpired(): Promise<PurgeCounts>;
  close(): Promise<void>;
}

export { TELEGRAM_WEBHOOK_PATH as WEBHOOK_PATH } from './channels/telegram/index.js';
export { WHATSAPP_CLOUD_WEBHOOK_PATH } from './channels/whatsapp-cloud/index.js';
/** Fetches are mostly waiting on the network; the thumbnail is the only CPU work. */
const MEDIA_FETCH_CONCURRENCY = 4;

export async function startApp(options: AppOptions): Promise<App> {
  const { config, log, role } = options;
  const web = role === 'all' || role === 'web';
  const worker = role === 'all' || role === 'worker';

  await runMigrations(options.databaseUrl);
  const db = createDb(options.databaseUrl, config.DATABASE_POOL_SIZE);
  if (await seedCatalogueIfEmpty(db.db, await readCatalogue())) log.info('demo catalogue seeded');
  // The one clock of the domain (due dates, idle limits, staff hours, the Cloud API window).
  const now = options.now ?? (() => new Date());
  await seedPublicHolidays(db.db, now());
  const transport = await createTransport(options.transport, log.child({ component: 'queue' }));
  // Long-running parts start in this order (the web.js client before Telegram polling) and stop in reverse.
  const channelModules: ChannelModule[] = [webChatChannel, whatsappWebChannel({ clientFactory: options.whatsappWebClientFactory }), telegramChannel, whatsappCloudChannel];
  const configured = channelModules.filter((channel) => channel.configured(config));

  const enqueue = createEnqueue(transport, { log, timeoutMs: config.ENQUEUE_TIMEOUT_MS });
  const mediaStorage = createMediaStorage(config);
  // Links in staff notifications point at the console, the privacy notice at its page; without PUBLIC_URL, at this machine.
  const publicUrl = (config.PUBLIC_URL ?? `http://localhost:${config.PORT}`).replace(/\/+$/, '');
  const caseSettings = new CaseSettingsCache();
  const ctx: PipelineContext = {
    db,
    transport,
    enqueue,
    wakeSteps: new StepWake(),
    log,
    metrics: createMetrics({ processFigures: options.processFigures }),
    machine: conversationMachine,
    machineVersion: CONVERSATION_VERSION,
    catalogue: new CatalogueCache(db.db),
    caseSettings,
    nikKeys: nikKeysOf(config),
    idleMs: config.CONVERSATION_IDLE_MINUTES * 60_000,
    livechat: { remindMs: config.LIVECHAT_REMIND_MINUTES * 60_000, idleMs: config.LIVECHAT_IDLE_MINUTES * 60_000 },
    now,
    caseSinks: [staffNotificationSink({ enqueue, publicUrl, settings: caseSettings })],
    cloudPushes: configured.some((channel) => channel.name === 'whatsapp-cloud'),
    mediaStorage,
    publicUrl,
    setAsideAfter: config.SET_ASIDE_AFTER_ATTEMPTS,
    fairUse: fairUseFrom(config),
  };

  // Staff edits in any process reach this one's caches at once.
  const settingsListener = await listenForSettingsChanges(db.sql, [ctx.catalogue], log.child({ component: 'settings' }));

  const intake: Intake = {
    ingest: (message, ingestOptions) => ingest(ctx, message, ingestOptions),
    storeOrSetAside: (store, setAsideAs) => storeOrSetAside(ctx, store, setAsideAs),
    ingestOrSetAside: (message) => ingestOrSetAside(ctx, message),
    setAside: (entry) => setAside(ctx, entry),
    markUnreachable: (channel, chatId, reason) => markUnreachable(ctx, channel, chatId, reason),
    recordDeliveryStatus: (status) => recordDeliveryStatus(ctx, status),
    isOutage: (error) => isOutage(db.sql, error),
    photoWanted: (channel, chatId) => photoWanted(ctx, channel, chatId),
  };
  const channels: (ChannelParts & { name: ChannelName })[] = configured.map((channel) => ({ name: channel.name, ...channel.setUp({ config, role, ctx, intake }) }));
  const senders = new Map<ChannelName, ChannelSender>(channels.flatMap((channel) => (channel.sender ? [[channel.name, channel.sender] as const] : [])));
  const mediaFetcher: MediaFetcher = {
    storage: mediaStorage,
    sources: Object.fromEntries(channels.flatMap((channel) => (channel.mediaSource ? [[channel.name, channel.mediaSource]] : []))),
    maxBytes: config.MEDIA_MAX_BYTES,
    maxAttempts: config.MEDIA_FETCH_ATTEMPTS,
  };
  // A web-only process sends itself on the channels whose connection it holds (the web.js client).
  const webSenders = new Map(channels.flatMap((channel) => (channel.sendsFromWeb && channel.sender ? [[channel.name, channel.sender] as const] : [])));
  const linked = channels.find((channel) => channel.linked)?.linked ?? null;

  const retention = retentionSettings(config);

  const broadcastSettings: BroadcastSettings = {
    channels: bulkChannels(senders.keys()),
    webViaCloud: senders.has('whatsapp-cloud'),
    rates: { telegram: config.TELEGRAM_MAX_PER_SECOND, 'whatsapp-cloud': config.WHATSAPP_CLOUD_MAX_PER_SECOND },
    laneSeconds: config.BROADCAST_LANE_SECONDS,
    tickMs: config.BROADCAST_TICK_MS,
    planChunk: config.BROADCAST_PLAN_CHUNK,
    approvalAbove: config.BROADCAST_APPROVAL_ABOVE,
    cloudTemplate: {
      name: config.WHATSAPP_CLOUD_BROADCAST_TEMPLATE,
      imageName: config.WHATSAPP_CLOUD_BROADCAST_IMAGE_TEMPLATE || null,
      language: config.WHATSAPP_CLOUD_TEMPLATE_LANGUAGE,
    },
  };
  const broadcasts = new BroadcastService(ctx, broadcastSettings);

  const workerOptions = {
    databaseUrl: options.databaseUrl,
    breaker: { afterFailures: config.SEND_PAUSE_AFTER_FAILURES, probeIntervalMs: config.SEND_PROBE_INTERVAL_MS },
    concurrency: config.WORKER_CONCURRENCY,
    retryBaseMs: config.SEND_RETRY_BASE_MS,
    retryMaxMs: config.SEND_RETRY_MAX_MS,
    relayIntervalMs: config.RELAY_INTERVAL_MS,
    relayAfterMs: config.RELAY_AFTER_MS,
    rateLimits: { telegram: config.TELEGRAM_MAX_PER_SECOND, 'whatsapp-cloud': config.WHATSAPP_CLOUD_MAX_PER_SECOND },
  };
  // The dinas's own systems hear of every public case event (the sink needs the finished context).
  ctx.caseSinks.push(webhookSink(ctx));
  // Open console pages hear of every case event at commit (ids only).
  ctx.caseSinks.push(consoleCaseSink);
  const workers = worker
    ? await startWorkers(ctx, senders, {
        ...workerOptions,
        inbound: true,
        relay: true,
        staff: staffChannels(config),
        media: { fetcher: mediaFetcher, concurrency: MEDIA_FETCH_CONCURRENCY },
        webhooks: {
          settings: {
            retryBaseMs: config.WEBHOOK_RETRY_BASE_MS,
            retryMaxMs: config.WEBHOOK_RETRY_MAX_MS,
            retryForMs: config.WEBHOOK_RETRY_FOR_HOURS * 3_600_000,
            timeoutMs: config.WEBHOOK_TIMEOUT_MS,
          },
          concurrency: config.WEBHOOK_CONCURRENCY,
        },
        retention,
        broadcasts: broadcastSettings,
        owedWork: [broadcastsOwed, caseTimerAlarms, livechatTimers, staffNotificationsOwed, mediaFetches, webhookDeliveries, retentionAlarm(retention.schedule)],
      })
    : webSenders.size > 0
      ? await startWorkers(ctx, webSenders, { ...workerOptions, inbound: false, relay: false, staff: null })
      : null;

  let http: FastifyInstance | null = null;
  let url: string | null = null;
  let live: ConsoleLive | null = null;
  if (web) {
    http = await buildServer(ctx, {
      ...serverOptionsFrom(config),
      unlimitedPaths: channels.flatMap((channel) => channel.unlimitedPaths ?? []),
      extraChecks: Object.fromEntries(channels.flatMap((channel) => Object.entries(channel.readyChecks ?? {}))),
    });
    for (const channel of channels) await channel.routes?.(http);
    registerPrivacyNotice(http, ctx, { contact: config.PRIVACY_CONTACT ?? null, retention: retention.periods });
    registerStatusApi(http, ctx);
    registerOpen311(http, ctx);
    registerIntegrationAdmin(http, ctx, config.ADMIN_TOKEN);
    if (config.CONSOLE_SESSION_SECRET) {
      live = new ConsoleLive(db.sql);
      await live.start();
      await registerConsole(http, { ctx, config, cases: caseService(ctx), broadcasts, mediaStorage, live, whatsappWeb: linked }, { sessionSecret: config.CONSOLE_SESSION_SECRET });
    } else {
      log.warn('CONSOLE_SESSION_SECRET not set: the agent console is off');
    }
    url = await http.listen({ host: config.HOST, port: config.PORT });
    for (const channel of channels) await channel.start?.();
  }
  // A worker's figures and probes, on a port of its own when asked (METRICS_PORT).
  let probes: FastifyInstance | null = null;
  let probesUrl: string | null = null;
  if (!web && config.METRICS_PORT !== undefined) {
    probes = buildProbeServer(ctx);
    probesUrl = await probes.listen({ host: config.HOST, port: config.METRICS_PORT });
  }

  return {
    ctx,
    http,
    url,
    probesUrl,
    mediaStorage,
    cases: caseService(ctx),
    broadcasts,
    purgeExpired: () => purgeNow(ctx, retention),
    async close() {
      // Inbound first (nothing new comes in), then let workers finish what they hold.
      for (const channel of [...channels].reverse()) await channel.stop?.();
      await http?.close();
      await probes?.close();
      await live?.close();
      await workers?.close();
      await transport.close();
      await settingsListener.close();
      await db.close();
    },
  };
}
