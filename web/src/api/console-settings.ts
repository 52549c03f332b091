/**
 * What the console must know from its server before it can sign a request: the region every
 * SigV4 credential scope must name (the server's MADO_REGION). Fetched once from
 * `/console/settings.json` (src/server/console-routes.ts) and shared by every client.
 */

export interface ConsoleSettings {
  readonly region: string;
}

let loaded: Promise<ConsoleSettings> | undefined;

/** The server's settings; a failed fetch is not cached, so the next call tries again. */
export function consoleSettings(origin: string = window.location.href): Promise<ConsoleSettings> {
  loaded ??= fetchSettings(new URL('/console/settings.json', origin)).catch((error: unknown) => {
    loaded = undefined;
    throw error;
  });
  return loaded;
}

async function fetchSettings(url: URL): Promise<ConsoleSettings> {
  const response = await fetch(url, { headers: { accept: 'application/json' } });
  if (!response.ok) {
    throw new Error(`${url.pathname} answered ${response.status}`);
  }
  const settings = (await response.json()) as Partial<ConsoleSettings>;
  if (typeof settings.region !== 'string' || settings.region === '') {
    throw new Error(`${url.pathname} names no region`);
  }
  return { region: settings.region };
}
