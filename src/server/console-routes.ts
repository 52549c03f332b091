/**
 * Serves the web console (web/dist, built by `npm run build` with scripts/build-web.mjs) as
 * static files at `/console/`, and sends browsers that open `/` there. The console is a client
 * of the API like any other: it signs `POST /` requests itself, so nothing here is private.
 *
 * - `GET /console` → 302 `/console/`; `GET /console/*` → the file, `index.html` for the folder.
 * - `GET /` with `Accept: text/html` → 302 `/console/`; any other `GET /` → 404 as before.
 *   `POST /` stays the API.
 * - `GET /console/settings.json` → what the console must know before it can sign a request:
 *   the region its signatures must name (`MADO_REGION`). Nothing secret.
 * - Without a built console, `/console/` answers 503 with a hint instead of failing the start.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

export const CONSOLE_PATH = '/console/';

/** What `GET /console/settings.json` answers (read by web/src/api/console-settings.ts). */
export interface ConsoleSettings {
  /** The region SigV4 credential scopes must name: the server's MADO_REGION. */
  readonly region: string;
}

/** web/dist of this checkout, from dist/server/ (compiled) or src/server/ (tsx) alike. */
export function defaultConsoleDir(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'web', 'dist');
}

/**
 * Adds the routes. The static plugin is queued, not awaited: awaiting would load the plugins
 * registered so far at once, before the caller's root error handler is set.
 */
export function registerConsoleRoutes(
  app: FastifyInstance,
  settings: ConsoleSettings,
  consoleDir: string = defaultConsoleDir(),
): void {
  app.get(`${CONSOLE_PATH}settings.json`, (_request, reply) =>
    reply.header('cache-control', 'no-cache').send(settings),
  );
  app.get('/', (request, reply) => {
    const accept = request.headers.accept ?? '';
    if (accept.includes('text/html')) {
      return reply.redirect(CONSOLE_PATH, 302);
    }
    return reply.callNotFound();
  });
  app.get('/console', (_request, reply) => reply.redirect(CONSOLE_PATH, 302));
  if (!existsSync(join(consoleDir, 'index.html'))) {
    app.get('/console/*', (_request, reply) =>
      reply
        .code(503)
        .type('text/html; charset=utf-8')
        .send(
          '<!doctype html><title>Mado console</title><p>The web console is not built: run <code>npm run build</code>.</p>',
        ),
    );
    return;
  }
  void app.register(fastifyStatic, {
    root: consoleDir,
    prefix: CONSOLE_PATH,
    index: ['index.html'],
    // The page's file names do not change between builds: always revalidate.
    cacheControl: true,
    maxAge: 0,
  });
}
