// docker-compose.yml cannot be started here (no Docker engine), so it is held to the code it deploys: every
// command's entry exists, and every Basin variable it sets is one the README documents and the code reads.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { ROOT } from './harness';

interface Service {
  command?: string[];
  environment?: Record<string, string>;
  build?: { target?: string };
}
const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
};
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const documented = new Set([...readme.matchAll(/^\|\s*`([A-Z_]+)`\s*\|/gm)].map((m) => m[1]!));

test('compose has postgres, api, web and a scalable GPU runner', () => {
  assert.deepEqual(Object.keys(compose.services).sort(), ['api', 'postgres', 'runner', 'web']);
  const runner = compose.services.runner as Service & {
    deploy?: { resources?: { reservations?: { devices?: { capabilities: string[] }[] } } };
  };
  assert.deepEqual(runner.deploy?.resources?.reservations?.devices?.[0]?.capabilities, ['gpu']);
  assert.equal(
    (compose.services.runner as { ports?: unknown }).ports,
    undefined,
    'runners publish no port, so --scale runner=N never collides',
  );
});

test('every service command starts an entry file that exists', () => {
  for (const [name, svc] of Object.entries(compose.services)) {
    if (!svc.command) continue;
    const entry = svc.command.find((a) => a.endsWith('.ts') || a.endsWith('.mjs'));
    assert.ok(entry, `${name} runs a file`);
    assert.ok(existsSync(join(ROOT, entry)), `${name}: ${entry} exists`);
  }
});

test('every Basin variable compose sets is documented in the README and read by the code', () => {
  const vars = new Set<string>();
  for (const svc of Object.values(compose.services))
    for (const k of Object.keys(svc.environment ?? {})) vars.add(k);
  for (const v of vars) {
    if (v.startsWith('POSTGRES_') || v === 'NODE_ENV') continue;
    assert.ok(documented.has(v), `${v} is in the README's configuration table`);
    const hits = execFileSync('git', ['grep', '-l', v, '--', '*.ts'], { cwd: ROOT, encoding: 'utf8' }).trim();
    assert.ok(hits.length > 0, `${v} is read somewhere in the code`);
  }
});

test('every variable in the README table is read by the code', () => {
  for (const v of documented) {
    const hits = execFileSync('git', ['grep', '-l', v, '--', '*.ts', '*.mjs'], {
      cwd: ROOT,
      encoding: 'utf8',
    }).trim();
    assert.ok(hits.length > 0, `${v} (README) is read somewhere in the code`);
  }
});

test('compose serves the network only with tokens on (the API and the dashboard refuse it with auth off)', () => {
  for (const name of ['api', 'web']) {
    const env = compose.services[name]?.environment ?? {};
    const host = env[name === 'api' ? 'API_HOST' : 'WEB_HOST'];
    assert.equal(host, '0.0.0.0', `${name} binds the container's interfaces (published by ports)`);
    assert.match(
      String(env.BASIN_AUTH),
      /^\$\{BASIN_AUTH:-token\}$/,
      `${name}: tokens unless told otherwise`,
    );
  }
});
