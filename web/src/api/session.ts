/**
 * The signed-in access key. Kept only in sessionStorage: it lives as long as the browser tab and
 * is never written to localStorage or a cookie. Signing out removes it.
 */
export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

const STORAGE_KEY = 'mado.credentials';

export function loadCredentials(): Credentials | undefined {
  const text = window.sessionStorage.getItem(STORAGE_KEY);
  if (text === null) {
    return undefined;
  }
  try {
    const value = JSON.parse(text) as Partial<Credentials>;
    if (typeof value.accessKeyId === 'string' && typeof value.secretAccessKey === 'string') {
      return { accessKeyId: value.accessKeyId, secretAccessKey: value.secretAccessKey };
    }
  } catch {
    // A damaged entry counts as signed out; it is overwritten at the next sign-in.
  }
  return undefined;
}

export function saveCredentials(credentials: Credentials): void {
  window.sessionStorage.setItem(STORAGE_KEY, JSON.stringify(credentials));
}

export function clearCredentials(): void {
  window.sessionStorage.removeItem(STORAGE_KEY);
}
