/**
 * The parts of a request as AWS Signature Version 4 signs them (the canonical request's URI,
 * query string and header values) and its `YYYYMMDDTHHMMSSZ` dates, computed as the AWS SDK v3
 * signer (@smithy/signature-v4) and botocore compute them. Used by sigv4-verifier.ts.
 */

const AMZ_DATE_PATTERN = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/** A header's value as signed: repeated copies joined with `,`. */
export function joinedValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(',') : value;
}

/**
 * A header value as SigV4 signs it: trimmed, inner runs of spaces collapsed, repeated headers
 * joined with `,`; an absent signed header signs as empty.
 */
export function canonicalHeaderValue(value: string | string[] | undefined): string {
  if (value === undefined) {
    return '';
  }
  const values = typeof value === 'string' ? [value] : value;
  return values.map((item) => item.trim().replace(/\s+/g, ' ')).join(',');
}

/** RFC 3986 encoding: everything but unreserved characters. */
function uriEscape(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * The canonical URI as the SDKs sign it: the path normalised (empty, `.` and `..` segments
 * resolved) and then URI-encoded as a whole, `/` kept.
 */
export function canonicalUri(path: string): string {
  if (path === '/' || path === '') {
    return '/';
  }
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') {
      continue;
    }
    if (segment === '..') {
      segments.pop();
    } else {
      segments.push(segment);
    }
  }
  const normalised = `${path.startsWith('/') ? '/' : ''}${segments.join('/')}${segments.length > 0 && path.endsWith('/') ? '/' : ''}`;
  return uriEscape(normalised).replace(/%2F/g, '/');
}

/** The canonical query string: pairs decoded, re-encoded (RFC 3986) and sorted. */
export function canonicalQuery(query: string): string {
  if (query === '') {
    return '';
  }
  return query
    .split('&')
    .filter((pair) => pair !== '')
    .map((pair) => {
      const equals = pair.indexOf('=');
      const name = decodeQueryComponent(equals === -1 ? pair : pair.slice(0, equals));
      const value = equals === -1 ? '' : decodeQueryComponent(pair.slice(equals + 1));
      return [uriEscape(name), uriEscape(value)] as const;
    })
    .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

/** `YYYYMMDDTHHMMSSZ` → Date, or undefined unless it names a real UTC second. */
export function parseAmzDate(value: string): Date | undefined {
  const match = AMZ_DATE_PATTERN.exec(value);
  if (match === null) {
    return undefined;
  }
  const [, year, month, day, hour, minute, second] = match.map(Number);
  const date = new Date(Date.UTC(year!, month! - 1, day!, hour!, minute!, second!));
  // Date.UTC rolls month 13, Feb 30 or hour 24 over (and maps years 0-99 to 19xx): refuse those.
  return formatAmzDate(date) === value ? date : undefined;
}

export function formatAmzDate(date: Date): string {
  const iso = date.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
}

function decodeQueryComponent(component: string): string {
  try {
    return decodeURIComponent(component);
  } catch {
    // Not valid percent-encoding: keep it as sent; the signature will not match.
    return component;
  }
}
