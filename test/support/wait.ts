/**
 * Waiting for something observable to become true, for tests that watch real processes
 * through the API (the way the AWS CLI's waiters poll). Bounded in time; fails with the last
 * value seen.
 */
export async function eventually<T>(
  probe: () => Promise<T>,
  accept: (value: T) => boolean,
  options: { readonly timeoutMs?: number; readonly intervalMs?: number; readonly what?: string } = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  let last: T | undefined;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      last = await probe();
      if (accept(last)) {
        return last;
      }
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 100));
  }
  throw new Error(
    `timed out waiting for ${options.what ?? 'a condition'}; last value: ${JSON.stringify(last)}${lastError === undefined ? '' : `; last error: ${String(lastError)}`}`,
  );
}
