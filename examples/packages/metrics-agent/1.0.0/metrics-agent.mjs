#!/usr/bin/env node
// metrics-agent: the sample package's daemon. It reads its TOML configuration, then reports
// what it runs with in a status file (version, pid, configuration) and refreshes it every
// [agent] interval, until SIGTERM. Usage: metrics-agent.mjs CONFIG STATUS PIDFILE
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { clearInterval, setInterval } from 'node:timers';

const VERSION = '1.0.0';
const [configFile, statusFile, pidFile] = process.argv.slice(2);
if (configFile === undefined || statusFile === undefined || pidFile === undefined) {
  console.error('usage: metrics-agent.mjs CONFIG STATUS PIDFILE');
  process.exit(2);
}

/** The part of TOML a metrics configuration uses: tables, and keys with strings, numbers, booleans and flat arrays. */
function parseToml(text) {
  const root = {};
  let table = root;
  for (const [index, raw] of text.split('\n').entries()) {
    const line = raw.replace(/^\s+|\s+$/g, '');
    if (line === '' || line.startsWith('#')) {
      continue;
    }
    const header = /^\[([A-Za-z0-9_.-]+)\]$/.exec(line);
    if (header) {
      table = root;
      for (const part of header[1].split('.')) {
        table = table[part] ??= {};
      }
      continue;
    }
    const pair = /^([A-Za-z0-9_-]+)\s*=\s*(.+)$/.exec(line);
    if (!pair) {
      throw new Error(`line ${index + 1}: expected [table] or key = value`);
    }
    table[pair[1]] = parseValue(pair[2].replace(/\s+#[^"']*$/, ''), index + 1);
  }
  return root;
}

function parseValue(text, line) {
  if (text.startsWith('"') && text.endsWith('"')) {
    return JSON.parse(text);
  }
  if (text.startsWith("'") && text.endsWith("'")) {
    return text.slice(1, -1);
  }
  if (text === 'true' || text === 'false') {
    return text === 'true';
  }
  if (/^[+-]?\d+(\.\d+)?$/.test(text)) {
    return Number(text);
  }
  if (text.startsWith('[') && text.endsWith(']')) {
    const inner = text.slice(1, -1).trim();
    return inner === '' ? [] : inner.split(',').map((item) => parseValue(item.trim(), line));
  }
  throw new Error(`line ${line}: cannot read the value ${text}`);
}

function intervalMs(value) {
  const match = /^(\d+)(ms|s|m)?$/.exec(String(value ?? '10s'));
  if (!match) {
    return 10_000;
  }
  const amount = Number(match[1]);
  return Math.max(1_000, match[2] === 'ms' ? amount : match[2] === 'm' ? amount * 60_000 : amount * 1_000);
}

const text = readFileSync(configFile, 'utf8');
const config = parseToml(text);
const startedAt = new Date().toISOString();

function report() {
  const status = {
    version: VERSION,
    pid: process.pid,
    startedAt,
    reportedAt: new Date().toISOString(),
    configFile,
    configSha256: createHash('sha256').update(text).digest('hex'),
    config,
  };
  const temporary = `${statusFile}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(status, null, 2)}\n`);
  renameSync(temporary, statusFile);
}

writeFileSync(pidFile, `${process.pid}\n`);
report();
console.log(`${startedAt} metrics-agent ${VERSION} started with ${configFile}`);
const timer = setInterval(report, intervalMs(config.agent?.interval));

process.on('SIGTERM', () => {
  clearInterval(timer);
  console.log(`${new Date().toISOString()} metrics-agent ${VERSION} stopping`);
  rmSync(statusFile, { force: true });
  process.exit(0);
});
