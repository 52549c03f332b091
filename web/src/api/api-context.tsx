/**
 * React glue for the API: the signed-in client in a context, and `useApiQuery`, which loads
 * data, reloads on demand and (optionally) polls while the caller says so.
 */
import { createContext, useCallback, useContext, useEffect, useRef, useState, type DependencyList } from 'react';
import type { SsmClient } from './ssm-client.js';

export const ApiContext = createContext<SsmClient | undefined>(undefined);

export function useApi(): SsmClient {
  const client = useContext(ApiContext);
  if (client === undefined) {
    throw new Error('useApi outside a signed-in console');
  }
  return client;
}

export interface QueryState<T> {
  readonly data: T | undefined;
  readonly error: unknown;
  readonly isLoading: boolean;
  reload(): void;
}

/**
 * Runs `load` with the client when `deps` change and on `reload()`. While `pollMs(data)` returns
 * a number, loads again after that many milliseconds (auto-refresh while something runs).
 */
export function useApiQuery<T>(
  load: (client: SsmClient) => Promise<T>,
  deps: DependencyList,
  pollMs?: (data: T) => number | undefined,
): QueryState<T> {
  const client = useApi();
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [isLoading, setLoading] = useState(true);
  const [generation, setGeneration] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const pollRef = useRef(pollMs);
  pollRef.current = pollMs;

  useEffect(() => {
    let isCurrent = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    setLoading(true);
    loadRef
      .current(client)
      .then((value) => {
        if (!isCurrent) {
          return;
        }
        setData(value);
        setError(undefined);
        const delayMs = pollRef.current?.(value);
        if (delayMs !== undefined) {
          timer = setTimeout(() => setGeneration((n) => n + 1), delayMs);
        }
      })
      .catch((failure: unknown) => {
        if (isCurrent) {
          setError(failure);
        }
      })
      .finally(() => {
        if (isCurrent) {
          setLoading(false);
        }
      });
    return () => {
      isCurrent = false;
      if (timer !== undefined) {
        clearTimeout(timer);
      }
    };
  }, [client, generation, ...deps]);

  const reload = useCallback(() => setGeneration((n) => n + 1), []);
  return { data, error, isLoading, reload };
}
