import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultStateDir } from './config.js';
import { generateNodeKeyPair } from './node-key.js';
import {
  IDENTITY_FILE,
  loadState,
  NODE_KEY_FILE,
  saveRegistration,
  StateDirectoryError,
  type NodeIdentity,
} from './state-directory.js';

const identity: NodeIdentity = {
  serverUrl: 'https://mado.example.com:8080',
  nodeId: 'mi-0123456789abcdef0',
  registeredAt: '2025-01-01T00:00:00.000Z',
};

let root: string;
let stateDir: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'mado-state-'));
  stateDir = join(root, 'agent');
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

const mode = (path: string) => statSync(path).mode & 0o777;

describe('state directory', () => {
  it('uses the default directory of each operating system', () => {
    expect(defaultStateDir('linux', {}, '/root')).toBe('/var/lib/mado-agent');
    expect(defaultStateDir('win32', { ProgramData: 'D:\\Data' }, 'C:\\Users\\x')).toBe('D:\\Data\\Mado\\Agent');
    expect(defaultStateDir('win32', {}, 'C:\\Users\\x')).toBe('C:\\ProgramData\\Mado\\Agent');
    expect(defaultStateDir('darwin', {}, '/Users/ada')).toBe('/Users/ada/Library/Application Support/Mado/Agent');
  });

  it('writes the identity and the key with mode 0600 in a 0700 directory', () => {
    saveRegistration(stateDir, identity, generateNodeKeyPair().privateKeyPem);
    expect(mode(stateDir)).toBe(0o700);
    expect(mode(join(stateDir, IDENTITY_FILE))).toBe(0o600);
    expect(mode(join(stateDir, NODE_KEY_FILE))).toBe(0o600);
    expect(JSON.parse(readFileSync(join(stateDir, IDENTITY_FILE), 'utf8'))).toEqual(identity);
    expect(readFileSync(join(stateDir, NODE_KEY_FILE), 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/);
  });

  it('leaves no temporary files behind after an atomic write', () => {
    saveRegistration(stateDir, identity, generateNodeKeyPair().privateKeyPem);
    saveRegistration(stateDir, { ...identity, nodeId: 'mi-fffffffffffffffff' }, generateNodeKeyPair().privateKeyPem);
    expect(readdirSync(stateDir).sort()).toEqual([IDENTITY_FILE, NODE_KEY_FILE]);
  });

  it('loads a registration it wrote', () => {
    saveRegistration(stateDir, identity, generateNodeKeyPair().privateKeyPem);
    const state = loadState(stateDir);
    expect(state.identity).toEqual(identity);
    expect(state.privateKey.asymmetricKeyType).toBe('ed25519');
  });

  it('refuses a directory that does not exist, saying how to register', () => {
    expect(() => loadState(stateDir)).toThrow(StateDirectoryError);
    expect(() => loadState(stateDir)).toThrow(/does not exist.*mado agent register/);
  });

  it('refuses to run when the key file is missing', () => {
    saveRegistration(stateDir, identity, generateNodeKeyPair().privateKeyPem);
    rmSync(join(stateDir, NODE_KEY_FILE));
    expect(() => loadState(stateDir)).toThrow(/node-key\.pem is missing/);
  });

  it('refuses to run when the identity file is missing', () => {
    saveRegistration(stateDir, identity, generateNodeKeyPair().privateKeyPem);
    rmSync(join(stateDir, IDENTITY_FILE));
    expect(() => loadState(stateDir)).toThrow(/identity\.json is missing/);
  });

  it('refuses a key file readable by the group, with the chmod that fixes it', () => {
    saveRegistration(stateDir, identity, generateNodeKeyPair().privateKeyPem);
    const keyPath = join(stateDir, NODE_KEY_FILE);
    chmodSync(keyPath, 0o640);
    expect(() => loadState(stateDir)).toThrow(`chmod 600 ${keyPath}`);
  });

  it('refuses an identity file readable by others', () => {
    saveRegistration(stateDir, identity, generateNodeKeyPair().privateKeyPem);
    chmodSync(join(stateDir, IDENTITY_FILE), 0o604);
    expect(() => loadState(stateDir)).toThrow(/accessible to group or others \(mode 0604\)/);
  });

  it('refuses a state directory writable by others', () => {
    saveRegistration(stateDir, identity, generateNodeKeyPair().privateKeyPem);
    chmodSync(stateDir, 0o777);
    expect(() => loadState(stateDir)).toThrow(/writable by group or others/);
  });

  it('refuses a malformed identity file', () => {
    saveRegistration(stateDir, identity, generateNodeKeyPair().privateKeyPem);
    writeFileSync(join(stateDir, IDENTITY_FILE), JSON.stringify({ ...identity, nodeId: 'i-123' }), { mode: 0o600 });
    expect(() => loadState(stateDir)).toThrow(/not a valid registration.*nodeId/);
  });

  it('refuses a key file that does not hold an Ed25519 key', () => {
    saveRegistration(stateDir, identity, 'not a key');
    expect(() => loadState(stateDir)).toThrow(/does not hold a usable key/);
    expect(existsSync(join(stateDir, NODE_KEY_FILE))).toBe(true);
  });
});
