/**
 * A self-signed X.509 certificate (ECDSA P-256, SHA-256) built with Node's crypto and a minimal
 * DER encoder, so the server needs no certificate library.
 *
 * The certificate: version 3, random positive 128-bit serial, subject = issuer = `CN=Mado server`,
 * valid from an hour before `now` for ten years, and the extensions basicConstraints (CA, critical:
 * clients may trust it as their own root with `ca`/NODE_EXTRA_CA_CERTS), keyUsage
 * (digitalSignature, keyCertSign; critical), extKeyUsage serverAuth, subjectAltName (DNS names
 * and IP addresses).
 */
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { isIP } from 'node:net';

function length(n: number): Buffer {
  if (n < 0x80) {
    return Buffer.from([n]);
  }
  const bytes: number[] = [];
  for (let rest = n; rest > 0; rest = Math.floor(rest / 256)) {
    bytes.unshift(rest % 256);
  }
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function tlv(tag: number, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  return Buffer.concat([Buffer.from([tag]), length(body.length), body]);
}

const sequence = (...parts: Buffer[]) => tlv(0x30, ...parts);

function oid(text: string): Buffer {
  const [first, second, ...rest] = text.split('.').map(Number);
  const bytes = [first! * 40 + second!];
  for (const arc of rest) {
    const chunk = [arc & 0x7f];
    for (let value = arc >>> 7; value > 0; value >>>= 7) {
      chunk.unshift(0x80 | (value & 0x7f));
    }
    bytes.push(...chunk);
  }
  return tlv(0x06, Buffer.from(bytes));
}

function time(at: Date): Buffer {
  const iso = at.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  // RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime after.
  return at.getUTCFullYear() < 2050
    ? tlv(0x17, Buffer.from(`${iso.slice(2)}Z`, 'ascii'))
    : tlv(0x18, Buffer.from(`${iso}Z`, 'ascii'));
}

/** The 4 or 16 bytes of an IP address. */
function ipBytes(ip: string): Buffer {
  if (isIP(ip) === 4) {
    return Buffer.from(ip.split('.').map(Number));
  }
  const [head, tail] = ip.includes('::') ? ip.split('::') : [ip, undefined];
  const groups = (part: string | undefined) => (part === undefined || part === '' ? [] : part.split(':'));
  const left = groups(head);
  const right = groups(tail);
  const all = [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return Buffer.concat(all.map((group) => Buffer.from(group.padStart(4, '0'), 'hex')));
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return sequence(oid(id), ...(critical ? [tlv(0x01, Buffer.from([0xff]))] : []), tlv(0x04, value));
}

/** A new certificate (PEM) for `names` (DNS names or IP addresses) and its PKCS#8 key (PEM). */
export function buildSelfSignedCertificate(names: readonly string[], now: Date): { cert: string; key: string } {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const serial = randomBytes(16);
  serial[0] = (serial[0]! & 0x7f) | 0x01;
  const ecdsaWithSha256 = sequence(oid('1.2.840.10045.4.3.2'));
  const name = sequence(tlv(0x31, sequence(oid('2.5.4.3'), tlv(0x0c, Buffer.from('Mado server', 'utf8')))));
  const alternativeNames = names.map((entry) =>
    isIP(entry) === 0 ? tlv(0x82, Buffer.from(entry, 'ascii')) : tlv(0x87, ipBytes(entry)),
  );
  const tbs = sequence(
    tlv(0xa0, tlv(0x02, Buffer.from([2]))),
    tlv(0x02, serial),
    ecdsaWithSha256,
    name,
    sequence(time(new Date(now.getTime() - 60 * 60 * 1000)), time(new Date(now.getTime() + 3650 * 86_400_000))),
    name,
    publicKey.export({ type: 'spki', format: 'der' }),
    tlv(
      0xa3,
      sequence(
        extension('2.5.29.19', true, sequence(tlv(0x01, Buffer.from([0xff])))),
        // digitalSignature (bit 0) and keyCertSign (bit 5): 0b10000100, 2 unused bits.
        extension('2.5.29.15', true, tlv(0x03, Buffer.from([0x02, 0x84]))),
        extension('2.5.29.37', false, sequence(oid('1.3.6.1.5.5.7.3.1'))),
        extension('2.5.29.17', false, sequence(...alternativeNames)),
      ),
    ),
  );
  const signature = sign('sha256', tbs, privateKey);
  const der = sequence(tbs, ecdsaWithSha256, tlv(0x03, Buffer.from([0x00]), signature));
  const base64 = der
    .toString('base64')
    .match(/.{1,64}/g)!
    .join('\n');
  return {
    cert: `-----BEGIN CERTIFICATE-----\n${base64}\n-----END CERTIFICATE-----\n`,
    key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}
