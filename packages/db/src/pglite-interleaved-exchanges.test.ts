// Regression: @electric-sql/pglite-socket interleaved clients message by message, so one pool's Bind could hit
// another pool's Parse ("bind message supplies 2 parameters, but prepared statement "" requires 0").
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { connect } from './connect';
import { startEmbedded } from './embedded';

test('many clients on the embedded database never see each other’s statements or transactions', async () => {
  const embedded = await startEmbedded();
  const pools = await Promise.all([0, 1, 2].map(() => connect(embedded.url, { max: 4 })));
  try {
    await pools[0]!`create table t (id int primary key, who int not null)`;
    const jobs: Promise<void>[] = [];
    for (let i = 0; i < 600; i++) {
      const sql = pools[i % 3]!;
      jobs.push(
        (async () => {
          const [row] = await sql`select ${i}::int as i, ${`x${i}`}::text as v, ${i * 0.5}::float8 as f`;
          assert.deepEqual({ ...row }, { i, v: `x${i}`, f: i * 0.5 });
        })(),
      );
    }
    // transactions from different pools run whole: a rolled-back one leaves nothing, committed ones everything
    for (let k = 0; k < 6; k++) {
      const sql = pools[k % 3]!;
      jobs.push(
        sql
          .begin(async (tx) => {
            for (let j = 0; j < 10; j++) await tx`insert into t values (${k * 100 + j}, ${k})`;
            if (k === 5) throw new Error('roll me back');
          })
          .then(
            () => undefined,
            (e: Error) => assert.equal(e.message, 'roll me back'),
          ),
      );
    }
    await Promise.all(jobs);
    const rows = await pools[1]!`select who, count(*)::int as n from t group by who order by who`;
    assert.deepEqual(
      rows.map((r) => [r.who, r.n]),
      [0, 1, 2, 3, 4].map((k) => [k, 10]),
    );
  } finally {
    await Promise.all(pools.map((p) => p.end()));
    await embedded.stop();
  }
});

test('a client that disconnects inside a transaction does not block the others', async () => {
  const embedded = await startEmbedded();
  const a = await connect(embedded.url, { max: 1 });
  const b = await connect(embedded.url, { max: 1 });
  try {
    await a`create table u (id int)`;
    const reserved = await a.reserve();
    await reserved`begin`;
    await reserved`insert into u values (1)`;
    const pending = b`select count(*)::int as n from u`; // waits for a's transaction
    await a.end({ timeout: 0 }); // connection drops mid-transaction → rolled back, lock released
    const [row] = await pending;
    assert.equal(row!.n, 0);
  } finally {
    await b.end();
    await embedded.stop();
  }
});
