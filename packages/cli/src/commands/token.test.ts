import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import { authenticateToken, createTestDatabase, hashToken, type TestDatabase } from '@basin/db';
import { main } from '../main';

let db: TestDatabase;
before(async () => {
  db = await createTestDatabase({ jobQueue: true });
});
after(async () => {
  await db.close();
});

class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: string, cb: () => void) {
    this.text += chunk.toString();
    cb();
  }
}

async function basin(...args: string[]) {
  const stdout = new Sink();
  const stderr = new Sink();
  const code = await main(args, { stdout, stderr, env: { ...process.env, DATABASE_URL: db.url } });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

test('token create prints the secret once, stores only its SHA-256, and the token authenticates as the team', async () => {
  const r = await basin('token', 'create', '--team', 'lab', '--name', 'ci');
  assert.equal(r.code, 0, r.stderr);
  const token = r.stdout.trim();
  assert.match(token, /^basin_[A-Za-z0-9_-]{32}$/);
  assert.match(r.stderr, /cannot be shown again/);
  const [row] = await db.sql<
    { token_hash: Buffer; prefix: string }[]
  >`select token_hash, prefix from api_tokens`;
  assert.deepEqual(Buffer.from(row!.token_hash), hashToken(token));
  assert.ok(token.startsWith(row!.prefix));
  const who = await authenticateToken(db.sql, token);
  assert.equal(who?.teamName, 'lab');
  assert.equal(who?.scope, 'write');
});

test('--json, --read-only, list and revoke', async () => {
  const r = await basin('token', 'create', '--team', 'lab', '--read-only', '--json');
  const created = JSON.parse(r.stdout) as { id: string; token: string; scope: string; team: string };
  assert.equal(created.scope, 'read');
  assert.equal(created.team, 'lab');
  const list = await basin('token', 'list', '--team', 'lab', '--json');
  const tokens = (JSON.parse(list.stdout) as { tokens: { id: string }[] }).tokens;
  assert.equal(tokens.length, 2);
  assert.ok(!list.stdout.includes(created.token), 'list never shows secrets');
  const revoked = await basin('token', 'revoke', created.id, '--team', 'lab');
  assert.equal(revoked.code, 0, revoked.stderr);
  assert.equal(await authenticateToken(db.sql, created.token), null);
});

test('bad usage exits 2 with one line', async () => {
  for (const args of [
    ['token'],
    ['token', 'create'],
    ['token', 'revoke', 'x', '--team', 'lab'],
    ['token', 'list', '--team', 'nobody'],
    ['token', 'revoke', '999', '--team', 'lab'],
  ]) {
    const r = await basin(...args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /^basin token/);
  }
});

test('--expires-in sets an expiry; list shows state, last use and expiry', async () => {
  const r = await basin('token', 'create', '--team', 'exp', '--expires-in', '12h', '--json');
  assert.equal(r.code, 0, r.stderr);
  const created = JSON.parse(r.stdout) as { id: string; token: string; expiresAt: string };
  const ahead = Date.parse(created.expiresAt) - Date.now();
  assert.ok(ahead > 11.9 * 3_600_000 && ahead <= 12 * 3_600_000, `expires in ${ahead} ms`);
  const before = await basin('token', 'list', '--team', 'exp');
  assert.match(before.stdout, /last used\s+expires/);
  assert.match(
    before.stdout,
    new RegExp(
      `^\\s*${created.id}  basin_\\S+…\\s+write  active \\s+never\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d`,
      'm',
    ),
  );
  assert.ok(await authenticateToken(db.sql, created.token));
  const afterUse = await basin('token', 'list', '--team', 'exp', '--json');
  const [row] = (
    JSON.parse(afterUse.stdout) as { tokens: { lastUsedAt: string | null; expiresAt: string }[] }
  ).tokens;
  assert.ok(
    row!.lastUsedAt && Date.now() - Date.parse(row!.lastUsedAt) < 60_000,
    'authenticating records the use',
  );
  // an expired token is listed as such and no longer authenticates
  await db.sql`update api_tokens set expires_at = now() - interval '1 second' where id = ${created.id}`;
  assert.equal(await authenticateToken(db.sql, created.token), null);
  const expired = await basin('token', 'list', '--team', 'exp');
  assert.match(expired.stdout, /write {2}expired/);
  for (const bad of ['0d', '12', '3651d', '1w', '-5m']) {
    const e = await basin('token', 'create', '--team', 'exp', `--expires-in=${bad}`);
    assert.equal(e.code, 2, bad);
    assert.match(e.stderr, /--expires-in must be minutes, hours or days/);
  }
  const misplaced = await basin('token', 'list', '--team', 'exp', '--expires-in', '1d');
  assert.equal(misplaced.code, 2);
});
