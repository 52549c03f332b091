import { describe, expect, it } from 'vitest';
import { buildRegisterCommands, parseTagList, serverUrlOf, shellQuote } from './register-command.js';

describe('register command', () => {
  it('prints register then run with the flags of mado agent register', () => {
    const commands = buildRegisterCommands({
      serverUrl: 'http://10.0.0.5:8080/',
      activationId: '4f2b1c3e-0000-4000-8000-000000000001',
      activationCode: 'AbCd+ef/GH12',
      tags: [
        { Key: 'Env', Value: 'prod' },
        { Key: 'Team', Value: 'web ops' },
      ],
    });
    expect(commands.register).toBe(
      'npx mado agent register --server http://10.0.0.5:8080 --activation-id 4f2b1c3e-0000-4000-8000-000000000001 ' +
        "--activation-code AbCd+ef/GH12 --tag Env=prod --tag 'Team=web ops' --state-dir /var/lib/mado-agent",
    );
    expect(commands.run).toBe('npx mado agent run --state-dir /var/lib/mado-agent');
    expect(commands.script).toBe(`${commands.register}\n${commands.run}`);
  });

  it('uses another state directory when given one, quoted', () => {
    const commands = buildRegisterCommands({
      serverUrl: 'https://mado.example.com',
      activationId: 'a',
      activationCode: 'c',
      stateDir: "/srv/it's here",
    });
    expect(commands.register).toBe(
      "npx mado agent register --server https://mado.example.com --activation-id a --activation-code c --state-dir '/srv/it'\\''s here'",
    );
    expect(commands.run).toBe("npx mado agent run --state-dir '/srv/it'\\''s here'");
  });

  it('quotes only what the shell would split or expand', () => {
    expect(shellQuote('Env=prod')).toBe('Env=prod');
    expect(shellQuote('')).toBe("''");
    expect(shellQuote('$HOME')).toBe("'$HOME'");
    expect(shellQuote('a;b')).toBe("'a;b'");
  });

  it('takes the console origin as the server URL', () => {
    expect(serverUrlOf({ origin: 'http://127.0.0.1:8080' })).toBe('http://127.0.0.1:8080');
  });
});

describe('tag list', () => {
  it('reads Key=Value per line or comma, keeping the last value of a key', () => {
    expect(parseTagList('Env=prod\n Team = ops , Flag\nEnv=dev')).toEqual({
      tags: [
        { Key: 'Env', Value: 'dev' },
        { Key: 'Team', Value: 'ops' },
        { Key: 'Flag', Value: '' },
      ],
      errors: [],
    });
  });

  it('refuses a missing key and the aws: prefix', () => {
    const parsed = parseTagList('=x\naws:name=y\nok=1');
    expect(parsed.tags).toEqual([{ Key: 'ok', Value: '1' }]);
    expect(parsed.errors).toHaveLength(2);
  });
});

describe('register command of a TLS server', () => {
  it('pins the fingerprint the server reports', () => {
    const fingerprint = `SHA256:${'AB:'.repeat(31)}AB`;
    const commands = buildRegisterCommands({
      serverUrl: 'https://10.0.0.5:8080',
      activationId: 'a',
      activationCode: 'c',
      serverFingerprint: fingerprint,
    });
    expect(commands.register).toContain(`--activation-code c --server-fingerprint ${fingerprint} --state-dir`);
  });
});
