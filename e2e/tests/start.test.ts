import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { connect, startEmbedded } from '@basin/db';
import { freePort, killAll, processesWithMark, runBasin, waitUntil } from './harness';

after(killAll);

const home = () => mkdtempSync(join(tmpdir(), 'basin-e2e-'));

async function healthy(port: number, host = '127.0.0.1'): Promise<boolean> {
  try {
    return (await fetch(`http://${host}:${port}/healthz`)).ok;
  } catch {
    return false;
  }
}

describe('basin start on the embedded database', () => {
  test('prints its URLs first, serves, and Ctrl-C stops everything cleanly', async () => {
    const basinHome = home();
    const apiPort = await freePort();
    const webPort = await freePort();
    const env = {
      BASIN_HOME: basinHome,
      API_PORT: String(apiPort),
      WEB_PORT: String(webPort),
      DATABASE_URL: '',
      BASIN_RUNNERS: '1',
    };
    const basin = runBasin(['start', '--no-study'], env);
    const banner = await basin.waitFor(/Press Ctrl-C to stop\./, 30_000);
    assert.ok(banner);
    await basin.waitFor(/database ready and migrated in [\d.]+ s/, 60_000);
    const out = basin.output();
    assert.match(out, new RegExp(`database   embedded PGlite in ${join(basinHome, 'pgdata')}`));
    assert.ok(
      out.indexOf('Press Ctrl-C') < out.indexOf('database ready'),
      'URLs come before the slow start-up',
    );
    if (/GraphQL {4}http:/.test(out)) {
      await waitUntil(() => healthy(apiPort), 90_000, `API /healthz on ${apiPort}`);
      // auth is off on the embedded default: the API serves this machine only, and says so
      assert.match(out, /GraphQL {4}http:\/\/localhost:\d+\/graphql .*this machine only/);
      const lan = Object.values(networkInterfaces())
        .flat()
        .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
      if (lan) assert.equal(await healthy(apiPort, lan), false, `the API does not answer on ${lan}`);
    }
    assert.ok(processesWithMark(basin.mark).length >= 1);

    basin.child.kill('SIGINT');
    const { code } = await basin.exited(40_000);
    assert.equal(code, 0, basin.output());
    assert.match(basin.output(), /stopped cleanly/);
    await waitUntil(() => processesWithMark(basin.mark).length === 0, 5_000, 'no process of this basin left');
    assert.equal(existsSync(join(basinHome, 'pgdata.lock')), false, 'the data-folder lock is released');

    // the data folder reopens intact, with the schema in place
    const db = await startEmbedded({ dataDir: join(basinHome, 'pgdata') });
    const sql = await connect(db.url);
    const rows = await sql`select version from basin_migrations order by version`;
    assert.ok(rows.length >= 2);
    await sql.end();
    await db.stop();
  });

  test('a supervisor killed outright leaves no orphans', async () => {
    const basin = runBasin(['start', '--no-study'], {
      BASIN_HOME: home(),
      API_PORT: String(await freePort()),
      WEB_PORT: String(await freePort()),
      DATABASE_URL: '',
    });
    await basin.waitFor(/database ready/, 60_000);
    await new Promise((r) => setTimeout(r, 1000));
    basin.child.kill('SIGKILL');
    await basin.exited(10_000);
    await waitUntil(
      () => processesWithMark(basin.mark).length === 0,
      20_000,
      'services exit when their supervisor is gone',
    );
  });
});

describe('basin start refuses bad configuration with one clear line', () => {
  const expectOneLine = async (env: NodeJS.ProcessEnv, pattern: RegExp) => {
    const basin = runBasin(['start', '--no-study'], env);
    const { code } = await basin.exited(60_000);
    assert.equal(code, 2, basin.output());
    const errLines = basin
      .output()
      .split('\n')
      .filter((l) => l.startsWith('basin start:'));
    assert.equal(errLines.length, 1, basin.output());
    assert.match(errLines[0]!, pattern);
    assert.doesNotMatch(basin.output(), /\n\s+at /, 'no stack trace');
  };

  test('malformed DATABASE_URL', async () =>
    expectOneLine(
      {
        BASIN_HOME: home(),
        DATABASE_URL: 'localhost:5432/basin',
        // free ports, so a Basin running on the defaults does not answer first
        API_PORT: String(await freePort()),
        WEB_PORT: String(await freePort()),
      },
      /DATABASE_URL must start with postgres:\/\//,
    ));

  test('unreachable server', async () =>
    expectOneLine(
      {
        BASIN_HOME: home(),
        DATABASE_URL: 'postgres://postgres@127.0.0.1:1/basin',
        API_PORT: String(await freePort()),
        WEB_PORT: String(await freePort()),
      },
      /cannot reach PostgreSQL at postgres:\/\/postgres@127.0.0.1:1\/basin \(ECONNREFUSED\)/,
    ));

  test('serving the network with auth off', async () =>
    expectOneLine(
      {
        BASIN_HOME: home(),
        DATABASE_URL: '',
        API_HOST: '0.0.0.0',
        API_PORT: String(await freePort()),
        WEB_PORT: String(await freePort()),
      },
      /API_HOST=0\.0\.0\.0 serves Basin beyond this machine with auth off .*set BASIN_AUTH=token .* or BASIN_INSECURE_BIND=1/,
    ));

  test('BASIN_HOME that is not writable', () => {
    const file = join(home(), 'file');
    writeFileSync(file, '');
    return expectOneLine({ BASIN_HOME: file, DATABASE_URL: '' }, /BASIN_HOME=.* is not a writable directory/);
  });

  test('a port in use', async () => {
    const blocker = createServer();
    const port = await new Promise<number>((res) =>
      blocker.listen(0, () => res((blocker.address() as { port: number }).port)),
    );
    try {
      await expectOneLine(
        { BASIN_HOME: home(), DATABASE_URL: '', API_PORT: String(port), WEB_PORT: String(port) },
        /(API|WEB)_PORT \d+ is already in use: stop what is using it, or set (API|WEB)_PORT to a free port/,
      );
    } finally {
      blocker.close();
    }
  });

  test('an embedded data folder already in use by another Basin', async () => {
    const basinHome = home();
    const first = runBasin(['start', '--no-study'], {
      BASIN_HOME: basinHome,
      DATABASE_URL: '',
      API_PORT: String(await freePort()),
      WEB_PORT: String(await freePort()),
    });
    try {
      await first.waitFor(/database ready/, 60_000);
      await expectOneLine(
        {
          BASIN_HOME: basinHome,
          DATABASE_URL: '',
          API_PORT: String(await freePort()),
          WEB_PORT: String(await freePort()),
        },
        /is in use by another Basin \(pid \d+\)/,
      );
    } finally {
      first.child.kill('SIGINT');
      await first.exited(40_000);
    }
  });
});
