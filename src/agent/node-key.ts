/**
 * The node's Ed25519 key pair: generated at registration, the private half kept in the state
 * directory (PKCS8 PEM, mode 0600), the public half sent to the server once (SPKI DER, base64).
 * Each connection proves possession by signing `helloSigningText(nodeId, nonce)`.
 */
import { createPrivateKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { helloSigningText } from '../protocol/agent-protocol.js';

export interface NodeKeyPair {
  /** PKCS8 PEM of the private key: what `node-key.pem` holds. */
  readonly privateKeyPem: string;
  /** SPKI DER of the public key, base64: what `RegisterRequest.publicKey` carries. */
  readonly publicKeyBase64: string;
}

export function generateNodeKeyPair(): NodeKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyBase64: publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
  };
}

/**
 * Parses `node-key.pem`.
 * @throws Error when the text is not a PEM private key or not an Ed25519 key.
 */
export function parseNodePrivateKey(pem: string): KeyObject {
  const key = createPrivateKey(pem);
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new Error(`expected an Ed25519 private key, found ${key.asymmetricKeyType ?? 'an unknown key type'}`);
  }
  return key;
}

/** The hello signature for one connection's nonce, base64. */
export function signHello(privateKey: KeyObject, nodeId: string, nonce: string): string {
  return sign(null, Buffer.from(helloSigningText(nodeId, nonce), 'utf8'), privateKey).toString('base64');
}
