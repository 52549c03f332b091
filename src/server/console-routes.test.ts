import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { registerConsoleRoutes } from './console-routes.js';

const folders: string[] = [];

afterEach(() => {
  for (const folder of folders.splice(0)) {
    rmSync(folder, { recursive: true, force: true });
  }
});

async function appWith(files: Record<string, string>) {
  const folder = mkdtempSync(join(tmpdir(), 'mado-console-'));
  folders.push(folder);
  for (const [name, content] of Object.entries(files)) {
    writeFileSync(join(folder, name), content);
  }
  const app = Fastify();
  app.post('/', async () => ({ api: true }));
  registerConsoleRoutes(app, { region: 'eu-west-3' }, folder);
  return app;
}

describe('console routes', () => {
  it('sends a browser opening / to the console and leaves other GETs and the API alone', async () => {
    const app = await appWith({ 'index.html': '<!doctype html><title>Mado console</title>' });
    const browser = await app.inject({ method: 'GET', url: '/', headers: { accept: 'text/html,*/*' } });
    expect(browser.statusCode).toBe(302);
    expect(browser.headers.location).toBe('/console/');
    expect((await app.inject({ method: 'GET', url: '/', headers: { accept: 'application/json' } })).statusCode).toBe(
      404,
    );
    expect((await app.inject({ method: 'POST', url: '/', payload: {} })).json()).toEqual({ api: true });
  });

  it('serves the built files under /console/', async () => {
    const app = await appWith({ 'index.html': '<!doctype html><title>Mado console</title>', 'main.js': 'export {};' });
    expect((await app.inject({ method: 'GET', url: '/console' })).headers.location).toBe('/console/');
    const index = await app.inject({ method: 'GET', url: '/console/' });
    expect(index.statusCode).toBe(200);
    expect(index.headers['content-type']).toMatch(/^text\/html/);
    expect(index.body).toContain('Mado console');
    const script = await app.inject({ method: 'GET', url: '/console/main.js' });
    expect(script.headers['content-type']).toMatch(/javascript/);
    expect((await app.inject({ method: 'GET', url: '/console/../package.json' })).statusCode).not.toBe(200);
  });

  it('tells the console the region its signatures must name, built or not', async () => {
    const builds: Record<string, string>[] = [{ 'index.html': '<!doctype html>' }, {}];
    for (const files of builds) {
      const app = await appWith(files);
      const response = await app.inject({ method: 'GET', url: '/console/settings.json' });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ region: 'eu-west-3' });
    }
  });

  it('answers 503 with a hint when the console is not built', async () => {
    const app = await appWith({});
    const response = await app.inject({ method: 'GET', url: '/console/' });
    expect(response.statusCode).toBe(503);
    expect(response.body).toContain('npm run build');
  });
});
