import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseDatabaseUrl, resolveBasinHome, resolveDatabaseTarget } from './config';
import { connect } from './connect';
import { ConfigError } from './errors';

test('DATABASE_URL unset means the embedded database under BASIN_HOME', () => {
  const home = mkdtempSync(join(tmpdir(), 'basin-home-'));
  assert.deepEqual(resolveDatabaseTarget({ BASIN_HOME: home }), {
    mode: 'embedded',
    dataDir: join(home, 'pgdata'),
  });
  assert.equal(resolveDatabaseTarget({ BASIN_HOME: home, DATABASE_URL: '  ' }).mode, 'embedded');
});

test('a malformed DATABASE_URL gets one clear line', () => {
  assert.throws(
    () => parseDatabaseUrl('not a url'),
    (e: unknown) => e instanceof ConfigError && /not a valid URL: 'not a url'/.test(e.message),
  );
  assert.throws(
    () => parseDatabaseUrl('mysql://root@localhost/db'),
    /must start with postgres:\/\/ or postgresql:\/\/, got 'mysql:\/\/'/,
  );
  assert.throws(() => parseDatabaseUrl('postgres://u@host:99999/db'), ConfigError);
  const ok = parseDatabaseUrl('postgres://me:secret@db.example:5433/basin');
  assert.equal(ok.display, 'postgres://me@db.example:5433/basin', 'the password is never printed');
});

test('an unreachable server is named, with what to do', async () => {
  // port 1 on loopback: nothing listens there
  await assert.rejects(connect('postgres://postgres@127.0.0.1:1/x', { connectTimeout: 3 }), (e: unknown) => {
    assert.ok(e instanceof ConfigError);
    assert.match(
      e.message,
      /^cannot reach PostgreSQL at postgres:\/\/postgres@127.0.0.1:1\/x \(ECONNREFUSED\): start the server or fix DATABASE_URL$/,
    );
    return true;
  });
});

test('a BASIN_HOME that is not writable is refused', () => {
  const dir = mkdtempSync(join(tmpdir(), 'basin-home-'));
  const file = join(dir, 'a-file');
  writeFileSync(file, 'x');
  assert.throws(
    () => resolveBasinHome({ BASIN_HOME: file }),
    /BASIN_HOME=.*a-file is not a writable directory \(EEXIST\)/,
  );
  assert.throws(
    () => resolveBasinHome({ BASIN_HOME: join(file, 'sub') }),
    /is not a writable directory \(ENOTDIR\)/,
  );
});

test('two Basins cannot open one embedded data folder; a stale lock is taken over', async () => {
  const { startEmbedded } = await import('./embedded');
  const { lockDirectory } = await import('./dir-lock');
  const dir = join(mkdtempSync(join(tmpdir(), 'basin-home-')), 'pgdata');
  const first = await startEmbedded({ dataDir: dir });
  try {
    // this process holds it: a second opener (another pid) is simulated by writing a live foreign pid
    writeFileSync(`${dir}.lock`, String(process.ppid));
    assert.throws(
      () => lockDirectory(dir),
      /in use by another Basin \(pid \d+\); stop it, or set BASIN_HOME/,
    );
    writeFileSync(`${dir}.lock`, '999999999'); // no such process
    const release = lockDirectory(dir);
    release();
  } finally {
    await first.stop();
  }
});
