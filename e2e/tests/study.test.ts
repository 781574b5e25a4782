// The main job end to end (issue 8): `basin start --scale tiny` runs the default study through the job queue, the
// runner and the API; after Ctrl-C and a restart it resumes; every analysis result type is reachable via GraphQL.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { connect, createApiToken, ensureTeam } from '@basin/db';
import { databaseForTest, freePort, killAll, runBasin } from './harness';

after(killAll);

async function gql<T>(
  port: number,
  token: string | null,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: T; errors?: { message: string }[] };
  if (body.errors?.length) throw new Error(body.errors.map((e) => e.message).join('; '));
  return body.data!;
}

test('the tiny default study runs end to end, resumes after Ctrl-C, and every result type is in GraphQL', {
  timeout: 900_000,
}, async () => {
  const home = mkdtempSync(join(tmpdir(), 'basin-study-'));
  const apiPort = await freePort();
  const env = {
    BASIN_HOME: home,
    DATABASE_URL: await databaseForTest(),
    API_PORT: String(apiPort),
    WEB_PORT: String(await freePort()),
    BASIN_RUNNERS: '1',
  };

  // first start: interrupted once the pretraining is done and fine-tunes are under way
  const first = runBasin(['start', '--scale', 'tiny'], env);
  await first.waitFor(
    /default study: Default study: fashion-mnist → mnist, synthetic-quickdraw \(tiny\)/,
    240_000,
  );
  await first.waitFor(/\[study\] fine-tune P-T \/ RI-T\s+\S+\s+\d+%/, 300_000);
  first.child.kill('SIGINT');
  assert.equal((await first.exited(60_000)).code, 0, first.output());

  // second start: the same study carries on to its findings
  const second = runBasin(['start', '--scale', 'tiny'], env);
  await second.waitFor(/Findings \(study \d+, \d+ s\)/, 600_000);
  const out = second.output();
  for (const claim of [
    'P-T optimises faster than RI-T',
    'P-T is at least as accurate as RI-T',
    'Feature reuse',
    'uncommon mistakes',
    'similar features',
    'parameter space',
    'barrier between two P-T',
    'barrier between two RI-T',
    'less critical',
    'Late pretraining checkpoints',
  ]) {
    assert.match(
      out,
      new RegExp(`${claim}.*(holds|does not hold|inconclusive|not measured)`),
      `findings table lists "${claim}"`,
    );
  }
  const studyId = /Findings \(study (\d+)/.exec(out)![1]!;
  // on a server, API tokens are required: `basin start` made (and will revoke) its own; the test makes one too
  let token: string | null = null;
  if (env.DATABASE_URL) {
    assert.match(out, /API tokens are required: the default study runs as team 'default'/);
    const sql = await connect(env.DATABASE_URL);
    token = (await createApiToken(sql, { teamId: (await ensureTeam(sql, 'default')).id, name: 'e2e' })).token;
    await sql.end();
  }

  const data = await gql<{
    study: {
      findings: { id: string; holds: boolean | null; verdict: string; target: string }[];
      findingsTables: { id: string; title: string; target: string }[];
      analyses: { kind: string; status: string; result: { __typename: string } | null }[];
      runs: { edges: { node: { name: string; status: string; kind: string; backend: string | null } }[] };
    };
  }>(
    apiPort,
    token,
    `query($id: ID!) { study(id: $id) {
      findings { id holds verdict target }
      findingsTables { id title target }
      analyses { kind status result { __typename } }
      runs(first: 100) { edges { node { name status kind backend } } }
    } }`,
    { id: studyId },
  );
  const types = new Set(
    data.study.analyses.filter((a) => a.status === 'SUCCEEDED').map((a) => a.result?.__typename),
  );
  for (const t of [
    'CkaResult',
    'MistakesResult',
    'ParamDistanceResult',
    'BarrierResult',
    'ModuleCriticalityResult',
    'BlockShuffleResult',
    'CheckpointSweepResult',
  ]) {
    assert.ok(types.has(t), `a ${t} was produced (have ${[...types].join(', ')})`);
  }
  const runs = data.study.runs.edges.map((e) => e.node);
  assert.equal(
    runs.filter((r) => r.name === 'pretrain/fashion-mnist').length,
    1,
    'the restart reused the pretraining run',
  );
  assert.ok(
    runs.every((r) => r.status === 'SUCCEEDED'),
    `every run succeeded: ${JSON.stringify(runs.filter((r) => r.status !== 'SUCCEEDED'))}`,
  );
  assert.ok(
    runs.every((r) => r.backend),
    'every run records its backend',
  );
  assert.equal(data.study.findings.length >= 10, true);
  // one findings computation: the terminal printed what the API returns, claim by claim and table by table
  assert.deepEqual(
    [...new Set(data.study.findings.map((f) => f.target))].sort(),
    ['MNIST (tiny)', 'Synthetic quickdraw (tiny)'],
    'every claim is judged per target',
  );
  for (const t of data.study.findingsTables)
    assert.ok(out.includes(`${t.title} — ${t.target}`), `table ${t.id} printed`);
  assert.ok(
    data.study.findingsTables.some((t) => t.id === 'cka:MNIST (tiny)'),
    'CKA per module per pair kind',
  );

  second.child.kill('SIGINT');
  assert.equal((await second.exited(60_000)).code, 0, second.output());
});
