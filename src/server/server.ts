/**
 * Composition root: opens the store, builds the services, the API handler and the HTTP server,
 * and starts/stops them in order. The only module that knows every layer.
 */
import { readFileSync } from 'node:fs';
import type { Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { join } from 'node:path';
import Fastify from 'fastify';
import { ApiHandler, JSON_CONTENT_TYPE } from '../api/api-handler.js';
import { errorBody, frameworkError } from '../api/errors.js';
import { PageTokens } from '../api/page-tokens.js';
import { SigV4Verifier } from '../api/sigv4-verifier.js';
import type { Services } from '../api/operation.js';
import { AGENT_VERSION } from '../agent/version.js';
import type { InvocationDetails } from '../domain/command.js';
import { AgentGateway, DEFAULT_GATEWAY_OPTIONS } from '../dispatcher/agent-gateway.js';
import { CommandDispatcher, DEFAULT_DISPATCHER_OPTIONS } from '../dispatcher/command-dispatcher.js';
import { AccessKeyService, KeyRing, type BootstrapOutcome } from '../services/access-key-service.js';
import { AuditLog } from '../services/audit-log.js';
import { AgentReleaseService } from '../services/agent-release-service.js';
import { ActivationService } from '../services/activation-service.js';
import { CommandService } from '../services/command-service.js';
import type { DispatchNotifier } from '../services/dispatch-notifier.js';
import { NO_ENGINE, type EngineNotifier } from '../services/engine-notifier.js';
import type { DocumentCatalog } from '../services/document-catalog.js';
import { DocumentService } from '../services/document-service.js';
import { InventoryService } from '../services/inventory-service.js';
import { ManagedNodeService } from '../services/managed-node-service.js';
import { PackageService } from '../services/package-service.js';
import { ResourceGroupService } from '../services/resource-group-service.js';
import { MaintenanceWindowService } from '../services/maintenance-window-service.js';
import type { ServiceContext } from '../services/service-context.js';
import { StoreDocumentCatalog } from '../services/store-document-catalog.js';
import { TagService } from '../services/tag-service.js';
import { WindowHistoryService } from '../services/window-history-service.js';
import { WindowScheduleService } from '../services/window-schedule-service.js';
import { WindowTargetService } from '../services/window-target-service.js';
import { WindowTaskService } from '../services/window-task-service.js';
import { WindowScheduler } from '../scheduler/window-scheduler.js';
import { DEFAULT_RUNNER_OPTIONS, WindowRunner } from '../scheduler/window-runner.js';
import { WindowRunService } from '../services/window-run/window-run-service.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import { openPostgresStore } from '../store/postgres/postgres-store.js';
import { openSqliteStore, type SqliteSynchronous } from '../store/sqlite/sqlite-store.js';
import type { Store } from '../store/store.js';
import type { ServerConfig } from './config.js';
import { loadUploadLimits, type UploadLimits } from './config-uploads.js';
import { EnvReader } from './config-values.js';
import { registerAgentRoutes } from './agent-routes.js';
import { writeAdminCredentialsFile } from './admin-credentials-file.js';
import { registerApiRoutes } from './api-routes.js';
import { ensurePrivateDataDir } from './data-directory.js';
import { openMasterKey, verifyMasterKey } from './master-key.js';
import { CONSOLE_PATH, registerConsoleRoutes } from './console-routes.js';
import { runHousekeeping } from './housekeeping.js';
import { TlsIdentity } from './tls-identity.js';
import { removeStaleUploads } from './upload-receiver.js';
import { clientErrorHandler, closingErrorHeaders, HttpGuard, nodeServerOptions } from './http-limits.js';

export interface RunningServer {
  /** Base URL of the API, e.g. http://127.0.0.1:8080 */
  readonly url: string;
  /** Address of the web console, e.g. http://127.0.0.1:8080/console/ */
  readonly consoleUrl: string;
  readonly bootstrap: BootstrapOutcome;
  readonly store: Store;
  // TLS (issue #10)
  /** The served certificate's fingerprint (`SHA256:…`); undefined over plain HTTP. */
  readonly fingerprint: () => string | undefined;
  /** SIGHUP: re-reads the certificate files and announces the next one; connections stay up. */
  reloadTls(): void;
  /** Stops accepting requests, finishes those in flight, closes the store. */
  close(): Promise<void>;
}

export interface ServiceWiring {
  /** Where Run Command finds documents; default: the built-in ones and those in the store. */
  readonly documents?: DocumentCatalog;
  readonly notifier: DispatchNotifier;
  readonly onlineThresholdMs: number;
  /** The window engine, told of window changes and cancels (none for tools that only read). */
  readonly engine?: EngineNotifier;
  /** Upload limits (default: those of an empty environment). */
  readonly uploads?: UploadLimits;
}

/** Forwards engine notifications to the engine once it exists (it needs the services first). */
class EngineRelay implements EngineNotifier {
  private target: EngineNotifier = NO_ENGINE;

  connect(target: EngineNotifier): void {
    this.target = target;
  }

  windowChanged(windowId: string): void {
    this.target.windowChanged(windowId);
  }

  windowDeleted(windowId: string): void {
    this.target.windowDeleted(windowId);
  }

  executionCancelRequested(windowExecutionId: string): void {
    this.target.executionCancelRequested(windowExecutionId);
  }
}

/** Builds every service over one store. */
export function buildServices(ctx: ServiceContext, keyRing: KeyRing, wiring: ServiceWiring): Services {
  const engine = wiring.engine ?? NO_ENGINE;
  const commands = new CommandService(
    ctx,
    wiring.documents ?? new StoreDocumentCatalog(ctx.store, ctx.accountId),
    wiring.notifier,
  );
  const windowRuns = new WindowRunService(ctx, commands);
  const windows = new MaintenanceWindowService(ctx, windowRuns, engine);
  const uploads = wiring.uploads ?? DEFAULT_UPLOAD_LIMITS;
  const releases = new AgentReleaseService(ctx, { maxBundleBytes: uploads.maxUploadBytes });
  const nodes = new ManagedNodeService(
    ctx,
    { onlineThresholdMs: wiring.onlineThresholdMs, latestAgentVersion: () => releases.latestVersion() },
    wiring.notifier,
  );
  const tags = new TagService(ctx);
  tags.registerResourceType('ManagedInstance', async (store, id) => {
    const node = await store.getManagedNode(id);
    return node !== undefined && node.deregisteredAt === undefined;
  });
  // Documents created through the API; Amazon-owned ones are not stored and cannot be tagged.
  tags.registerResourceType('Document', async (store, id) => (await store.getDocument(id)) !== undefined);
  return {
    windows,
    targets: new WindowTargetService(ctx, windows),
    tasks: new WindowTaskService(ctx, windows),
    history: new WindowHistoryService(ctx, windowRuns, engine),
    windowRuns,
    schedules: new WindowScheduleService(ctx),
    tags,
    accessKeys: new AccessKeyService(ctx, keyRing),
    activations: new ActivationService(ctx),
    nodes,
    commands,
    documents: new DocumentService(ctx),
    resourceGroups: new ResourceGroupService(ctx),
    packages: new PackageService(ctx, { maxArchiveBytes: uploads.maxUploadBytes, archiveLimits: uploads.archive }),
    inventory: new InventoryService(ctx),
    releases,
    audit: new AuditLog(ctx),
  };
}

const DEFAULT_UPLOAD_LIMITS = loadUploadLimits(new EnvReader({}));

/** The store in a data directory (created 0700 if missing; refused when group or others may access it). */
export function openDataDirStore(dataDir: string, clock: Clock, synchronous?: SqliteSynchronous): Store {
  ensurePrivateDataDir(dataDir);
  return openSqliteStore({ filename: join(dataDir, 'mado.db'), synchronous }, clock.now().getTime()).store;
}

/** The store the configuration names: PostgreSQL at `databaseUrl`, else SQLite in the data directory. */
export async function openConfiguredStore(config: ServerConfig, clock: Clock): Promise<Store> {
  if (config.databaseUrl === undefined) {
    return openDataDirStore(config.dataDir, clock, config.sqliteSynchronous);
  }
  return (await openPostgresStore({ url: config.databaseUrl }, clock.now().getTime())).store;
}

/** Publishes the agent bundle shipped with this server as a release, unless its version is known. */
async function publishOwnAgentBundle(
  releases: AgentReleaseService,
  bundlePath: string | undefined,
  logger: Logger,
): Promise<void> {
  if (bundlePath === undefined) {
    logger.info({}, 'no agent bundle next to the server (run `npm run build`); none published at start');
    return;
  }
  let content: Buffer;
  try {
    content = readFileSync(bundlePath);
  } catch (error) {
    logger.warn({ path: bundlePath, err: error }, 'could not read the agent bundle; none published at start');
    return;
  }
  const release = await releases.publishOwnBundle(content, AGENT_VERSION);
  if (release !== undefined) {
    logger.info({ version: release.version, path: bundlePath }, 'agent release of this server available');
  }
}

export async function startServer(config: ServerConfig, clock: Clock, logger: Logger): Promise<RunningServer> {
  // Secrets at rest: the master key is checked before the store opens, and against it after.
  ensurePrivateDataDir(config.dataDir);
  const masterKey = openMasterKey(config.secrets.masterKey);
  const store = await openConfiguredStore(config, clock);
  await verifyMasterKey(store, config.secrets.masterKey, masterKey).catch(async (error: unknown) => {
    await store.close();
    throw error;
  });
  removeStaleUploads(config.dataDir);
  const keyRing = new KeyRing(masterKey.box);
  const ctx: ServiceContext = {
    store,
    clock,
    logger,
    quotas: config.quotas,
    accountId: config.accountId,
    region: config.defaultRegion,
    outputCapBytes: config.outputCapBytes,
  };
  const dispatcher = new CommandDispatcher(store, clock, logger.child({ component: 'dispatcher' }), {
    ...DEFAULT_DISPATCHER_OPTIONS,
    outputCapBytes: config.outputCapBytes,
  });
  const engine = new EngineRelay();
  const services = buildServices(ctx, keyRing, {
    documents: new StoreDocumentCatalog(store, config.accountId),
    notifier: dispatcher,
    onlineThresholdMs: 2 * config.agentHeartbeatMs,
    engine,
    uploads: config.uploads,
  });
  const runner = new WindowRunner(
    services.windowRuns,
    clock,
    logger.child({ component: 'runner' }),
    {
      onInvocationEnded: (listener) =>
        dispatcher.events.on('invocationEnded', (commandId: string, _instanceId: string, details: InvocationDetails) =>
          listener(commandId, details),
        ),
    },
    { ...DEFAULT_RUNNER_OPTIONS, maxConcurrentRuns: config.maxConcurrentExecutions },
  );
  const scheduler = new WindowScheduler(
    store,
    clock,
    logger.child({ component: 'scheduler' }),
    services.windowRuns,
    runner,
  );
  engine.connect({
    windowChanged: (windowId) => scheduler.windowChanged(windowId),
    windowDeleted: (windowId) => scheduler.windowDeleted(windowId),
    executionCancelRequested: (windowExecutionId) => runner.cancelRequested(windowExecutionId),
  });
  const sealed = await services.accessKeys.sealPlaintextSecrets();
  if (sealed > 0) {
    logger.info({ count: sealed }, 'access-key secrets stored in clear by an older Mado are now sealed');
  }
  const credentialsFile = config.secrets.adminCredentialsFile;
  const bootstrap = await services.accessKeys.bootstrap(
    config.adminKey,
    credentialsFile === undefined ? undefined : (key) => writeAdminCredentialsFile(credentialsFile, key),
  );
  const tls =
    config.tls.mode === 'off' ? undefined : TlsIdentity.open(config.tls, config.dataDir, config.host, clock.now());
  const api = new ApiHandler({
    services: { ...services, serverInfo: { fingerprint: () => tls?.fingerprint } },
    pageTokens: new PageTokens(masterKey.box.deriveKey('page tokens'), clock),
    keyRing,
    verifier: config.authEnabled
      ? new SigV4Verifier({
          lookupSecret: (accessKeyId) => keyRing.secretOf(accessKeyId),
          clock,
          maxClockSkewMs: config.maxClockSkewMs,
          service: 'ssm',
          region: config.allowAnyRegion ? undefined : config.defaultRegion,
        })
      : undefined,
    store,
    clock,
    logger: logger.child({ component: 'api' }),
    accountId: config.accountId,
    defaultRegion: config.defaultRegion,
    audit: services.audit,
  });
  let httpsServer: HttpsServer | undefined;
  // HTTP limits before authentication: timeouts, per-IP limits, SSM-shaped client errors.
  const http = new HttpGuard(config.httpLimits, clock, logger.child({ component: 'http' }));
  const app = Fastify({
    logger: false,
    bodyLimit: config.maxBodyBytes,
    keepAliveTimeout: 65_000,
    http: nodeServerOptions(config.httpLimits),
    requestTimeout: config.httpLimits.requestTimeoutMs,
    connectionTimeout: config.httpLimits.idleTimeoutMs,
    clientErrorHandler: clientErrorHandler(config.httpLimits),
    ...(tls === undefined
      ? {}
      : {
          // An https server in place of the http one (same routes, same upgrade handling), with
          // the same limits; the TLS handshake is bounded like the request headers.
          serverFactory: (handler: Parameters<typeof createHttpsServer>[1]) => {
            httpsServer = createHttpsServer(
              {
                cert: tls.pair.cert,
                key: tls.pair.key,
                ...nodeServerOptions(config.httpLimits),
                handshakeTimeout: config.httpLimits.headersTimeoutMs,
              },
              handler,
            );
            httpsServer.on('clientError', clientErrorHandler(config.httpLimits));
            return httpsServer as unknown as HttpServer;
          },
        }),
  });
  http.attach(app.server);
  registerApiRoutes(app, api, config, http);
  registerAgentRoutes(app, services.activations, logger.child({ component: 'registration' }), services.audit);
  registerConsoleRoutes(app, { region: config.defaultRegion });
  const gateway = new AgentGateway(
    store,
    clock,
    logger.child({ component: 'gateway' }),
    dispatcher,
    {
      ...DEFAULT_GATEWAY_OPTIONS,
      heartbeatIntervalMs: config.agentHeartbeatMs,
      // Heartbeats reach the store at most pingFlushMs late, and a node is Online while its
      // stored last ping is younger than two intervals: flush at least every half interval.
      pingFlushMs: Math.min(DEFAULT_GATEWAY_OPTIONS.pingFlushMs, Math.floor(config.agentHeartbeatMs / 2)),
      // Agent gateway limits.
      helloTimeoutMs: config.gatewayHelloTimeoutMs,
      limits: config.gatewayLimits,
    },
    services.releases,
    services.audit,
  );
  await publishOwnAgentBundle(services.releases, config.agentBundlePath, logger);
  gateway.attach(app.server);
  gateway.announceNextFingerprint(tls?.nextFingerprint);
  await dispatcher.start(gateway);
  await runner.start();
  await scheduler.start();
  app.setErrorHandler((error: { statusCode?: number; message?: string }, _request, reply) => {
    // Only framework-level failures land here (e.g. a body over the size limit); API errors
    // are answered by ApiHandler itself.
    const wire = frameworkError(error.statusCode ?? 500, error.message ?? '');
    void reply
      .code(wire.httpStatus)
      // Closed after a body over the limit: the rest of it is not read.
      .headers(
        wire.httpStatus === 413
          ? closingErrorHeaders(wire.type)
          : { 'content-type': JSON_CONTENT_TYPE, 'x-amzn-errortype': wire.type },
      )
      .send(Buffer.from(JSON.stringify(errorBody(wire.type, wire.message))));
  });
  await app.listen({ host: config.host, port: config.port });
  const stopping = new AbortController();
  const housekeeping = runHousekeeping(
    store,
    clock,
    logger.child({ component: 'housekeeping' }),
    stopping.signal,
    config.historyRetentionMs,
    { audit: services.audit, retentionMs: config.auditRetentionMs },
  );
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `${tls === undefined ? 'http' : 'https'}://${host}:${port}`;
  logger.info({ url, fingerprint: tls?.fingerprint }, 'Mado server listening');
  return {
    url,
    consoleUrl: `${url}${CONSOLE_PATH}`,
    bootstrap,
    store,
    fingerprint: () => tls?.fingerprint,
    reloadTls: () => {
      if (tls === undefined || httpsServer === undefined) {
        return;
      }
      try {
        const { changed } = tls.reload();
        if (changed) {
          httpsServer.setSecureContext({ cert: tls.pair.cert, key: tls.pair.key });
        }
        gateway.announceNextFingerprint(tls.nextFingerprint);
        logger.info(
          { fingerprint: tls.fingerprint, nextFingerprint: tls.nextFingerprint, changed },
          'TLS certificate reloaded',
        );
      } catch (error) {
        logger.error({ err: error }, `TLS certificate not reloaded; still serving ${tls.fingerprint}`);
      }
    },
    close: async () => {
      stopping.abort();
      await scheduler.stop();
      await runner.stop();
      await gateway.close();
      await dispatcher.stop();
      await app.close();
      await housekeeping;
      await services.audit.flushSuppressed(clock.now().getTime());
      await store.close();
    },
  };
}
