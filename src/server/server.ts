/**
 * Composition root: opens the store, builds the services, the API handler and the HTTP server,
 * and starts/stops them in order. The only module that knows every layer.
 */
import { mkdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { ApiHandler } from '../api/api-handler.js';
import { PageTokens } from '../api/page-tokens.js';
import { SigV4Verifier } from '../api/sigv4-verifier.js';
import type { Services } from '../api/operation.js';
import { AccessKeyService, KeyRing, type BootstrapOutcome } from '../services/access-key-service.js';
import { MaintenanceWindowService } from '../services/maintenance-window-service.js';
import type { ServiceContext } from '../services/service-context.js';
import { TagService } from '../services/tag-service.js';
import { WindowHistoryService } from '../services/window-history-service.js';
import { WindowScheduleService } from '../services/window-schedule-service.js';
import { WindowTargetService } from '../services/window-target-service.js';
import { WindowTaskService } from '../services/window-task-service.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import { openSqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Store } from '../store/store.js';
import type { ServerConfig } from './config.js';
import { runHousekeeping } from './housekeeping.js';

export interface RunningServer {
  /** Base URL of the API, e.g. http://127.0.0.1:8080 */
  readonly url: string;
  readonly bootstrap: BootstrapOutcome;
  readonly store: Store;
  /** Stops accepting requests, finishes those in flight, closes the store. */
  close(): Promise<void>;
}

/** Builds every service over one store. */
export function buildServices(ctx: ServiceContext, keyRing: KeyRing): Services {
  const windows = new MaintenanceWindowService(ctx);
  return {
    windows,
    targets: new WindowTargetService(ctx, windows),
    tasks: new WindowTaskService(ctx, windows),
    history: new WindowHistoryService(ctx),
    schedules: new WindowScheduleService(ctx),
    tags: new TagService(ctx),
    accessKeys: new AccessKeyService(ctx, keyRing),
  };
}

/** The store in a data directory (created with mode 0700 if missing). */
export function openDataDirStore(dataDir: string, clock: Clock): Store {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  return openSqliteStore({ filename: join(dataDir, 'mado.db') }, clock.now().getTime()).store;
}

function registerRoutes(app: FastifyInstance, api: ApiHandler, config: ServerConfig): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: config.maxBodyBytes }, (_request, body, done) => {
    done(null, body);
  });
  const answer = async (request: FastifyRequest, reply: FastifyReply) => {
    const raw = request.raw;
    const queryAt = raw.url?.indexOf('?') ?? -1;
    const response = await api.handle({
      method: raw.method ?? 'POST',
      path: queryAt >= 0 ? raw.url!.slice(0, queryAt) : (raw.url ?? '/'),
      query: queryAt >= 0 ? raw.url!.slice(queryAt + 1) : '',
      // Distinct values: SigV4 joins repeated headers with ',' where Node's merged view uses ', '.
      headers: raw.headersDistinct as Record<string, string[]>,
      body: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
    });
    // A Buffer, so that Fastify sends the content type exactly as given (no charset suffix).
    return reply.code(response.status).headers(response.headers).send(Buffer.from(response.body));
  };
  const paths = new Set(['/']);
  if (config.basePath !== '/') {
    paths.add(config.basePath);
    paths.add(`${config.basePath}/`);
  }
  for (const path of paths) {
    app.post(path, answer);
  }
  app.get('/healthz', async () => ({ status: 'ok' }));
}

export async function startServer(config: ServerConfig, clock: Clock, logger: Logger): Promise<RunningServer> {
  const store = openDataDirStore(config.dataDir, clock);
  const keyRing = new KeyRing();
  const ctx: ServiceContext = { store, clock, logger, quotas: config.quotas, accountId: config.accountId };
  const services = buildServices(ctx, keyRing);
  const bootstrap = await services.accessKeys.bootstrap(config.adminKey);
  const tokenKey = await store.putSettingIfAbsent('page-token-key', randomBytes(32).toString('base64'));
  const api = new ApiHandler({
    services,
    pageTokens: new PageTokens(Buffer.from(tokenKey, 'base64'), clock),
    keyRing,
    verifier: config.authEnabled
      ? new SigV4Verifier({
          lookupSecret: (accessKeyId) => keyRing.get(accessKeyId)?.secretAccessKey,
          clock,
          maxClockSkewMs: config.maxClockSkewMs,
          service: 'ssm',
        })
      : undefined,
    store,
    clock,
    logger: logger.child({ component: 'api' }),
    accountId: config.accountId,
    defaultRegion: config.defaultRegion,
  });
  const app = Fastify({ logger: false, bodyLimit: config.maxBodyBytes, keepAliveTimeout: 65_000 });
  registerRoutes(app, api, config);
  app.setErrorHandler((error: { statusCode?: number; message?: string }, _request, reply) => {
    // Only framework-level failures land here (e.g. a body over the size limit); API errors
    // are answered by ApiHandler itself.
    const status = error.statusCode ?? 500;
    const type =
      status === 413 ? 'ValidationException' : status < 500 ? 'SerializationException' : 'InternalServerError';
    void reply
      .code(status === 413 ? 413 : status < 500 ? 400 : 500)
      .headers({ 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': type })
      .send(Buffer.from(JSON.stringify({ __type: type, message: error.message, Message: error.message })));
  });
  await app.listen({ host: config.host, port: config.port });
  const stopping = new AbortController();
  const housekeeping = runHousekeeping(store, clock, logger.child({ component: 'housekeeping' }), stopping.signal);
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  logger.info({ url: `http://${host}:${port}` }, 'Mado server listening');
  return {
    url: `http://${host}:${port}`,
    bootstrap,
    store,
    close: async () => {
      stopping.abort();
      await app.close();
      await housekeeping;
      await store.close();
    },
  };
}
