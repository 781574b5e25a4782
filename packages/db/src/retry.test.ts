import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DatabaseUnavailableError, isConnectionLoss, retryWhileDatabaseAway } from './retry';

const lost = (code: string) => Object.assign(new Error(`lost (${code})`), { code });

describe('isConnectionLoss', () => {
  test('connection codes, socket errors and shutdown SQLSTATEs, also as a cause or inside an AggregateError', () => {
    for (const code of ['CONNECTION_CLOSED', 'ECONNREFUSED', '57P01', '08006'])
      assert.ok(isConnectionLoss(lost(code)), code);
    assert.ok(isConnectionLoss(new Error('wrapped', { cause: lost('ECONNRESET') })));
    assert.ok(isConnectionLoss(new AggregateError([new Error('x'), lost('ECONNREFUSED')])));
  });

  test('a failing statement is not a lost connection', () => {
    for (const code of ['23505', '42P01', '40001', undefined])
      assert.equal(isConnectionLoss(code ? lost(code) : new Error('plain')), false, String(code));
    assert.equal(isConnectionLoss(null), false);
  });
});

describe('retryWhileDatabaseAway', () => {
  test('retries through lost connections and returns the first answer', async () => {
    let calls = 0;
    const seen: number[] = [];
    const out = await retryWhileDatabaseAway(
      'testing',
      async () => {
        calls++;
        if (calls < 3) throw lost('ECONNREFUSED');
        return 'ok';
      },
      { maxWaitMs: 5_000, onRetry: (_e, attempt) => seen.push(attempt) },
    );
    assert.equal(out, 'ok');
    assert.equal(calls, 3);
    assert.deepEqual(seen, [1, 2]);
  });

  test('any other error is thrown at once, unretried', async () => {
    let calls = 0;
    await assert.rejects(
      retryWhileDatabaseAway('testing', async () => {
        calls++;
        throw lost('23505');
      }),
      /lost \(23505\)/,
    );
    assert.equal(calls, 1);
  });

  test('gives up after maxWaitMs with an error naming what it was doing', async () => {
    await assert.rejects(
      retryWhileDatabaseAway(
        'writing the thing',
        async () => {
          throw lost('CONNECTION_CLOSED');
        },
        { maxWaitMs: 250 },
      ),
      (e: unknown) => {
        assert.ok(e instanceof DatabaseUnavailableError);
        assert.match(e.message, /unreachable for \d+ s while writing the thing: lost \(CONNECTION_CLOSED\)/);
        assert.ok(isConnectionLoss(e), 'the cause is kept');
        return true;
      },
    );
  });
});
