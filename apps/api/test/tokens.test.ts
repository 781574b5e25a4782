import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createApiToken, revokeApiToken, type TestDatabase } from '@basin/db';
import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { type App, createApp } from '../src/app';
import { TOKEN_GONE_CLOSE_CODE } from '../src/server/ws';
import { gql, startWorld, type TeamWorld } from './fixtures';

// Tokens as teams expect them: revocation and expiry end open subscriptions within seconds, and every token has a
// request budget (HTTP 429 + Retry-After, RATE_LIMITED over the WebSocket).

let db: TestDatabase;
let app: App;
let a: TeamWorld;
let b: TeamWorld;
/** A second API on the same database with a budget of 5 operations a minute per token. */
let limited: App;

before(async () => {
  ({ db, app, a, b } = await startWorld());
  limited = createApp({
    sql: db.sql,
    auth: { mode: 'token' },
    port: 0,
    host: '127.0.0.1',
    rateLimit: { requests: 5, perSeconds: 60 },
  });
  await limited.start();
});
after(async () => {
  await limited.stop();
  await app.stop();
  await db.close();
});

const wsClient = (api: App, token: string, onClose?: (code: number, reason: string) => void): Client =>
  createClient({
    url: api.url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
    lazy: true,
    on: { closed: (e) => onClose?.((e as { code: number }).code, (e as { reason: string }).reason) },
  });

/** Subscribes to a study's events; resolves with how the subscription ended once it ends. */
function subscribeUntilEnd(c: Client, studyId: string) {
  return new Promise<{ ended: 'error' | 'complete'; error?: unknown }>((resolve) => {
    c.subscribe(
      { query: 'subscription($id: ID!) { studyEvents(studyId: $id) { type } }', variables: { id: studyId } },
      {
        next: () => {},
        error: (error) => resolve({ ended: 'error', error }),
        complete: () => resolve({ ended: 'complete' }),
      },
    );
  });
}

/** Waits until the API has `n` subscribers on the study (the subscription is live). */
async function live(api: App, studyId: string, n: number) {
  const t0 = Date.now();
  while (api.live.listeners({ studyId }) < n) {
    if (Date.now() - t0 > 5000) throw new Error('subscription never became live');
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('revoking a token closes its open subscriptions within seconds; other tokens keep theirs', async () => {
  const { token, row } = await createApiToken(db.sql, { teamId: a.teamId, name: 'to-revoke' });
  const closes: { code: number; reason: string }[] = [];
  const doomed = wsClient(app, token, (code, reason) => closes.push({ code, reason }));
  const survivor = wsClient(app, a.token);
  const ended = subscribeUntilEnd(doomed, a.studyId);
  const kept = subscribeUntilEnd(survivor, a.studyId);
  await live(app, a.studyId, 2);

  const t0 = Date.now();
  assert.ok(await revokeApiToken(db.sql, a.teamId, row.id));
  const how = await ended;
  const tookMs = Date.now() - t0;
  assert.equal(how.ended, 'error', 'the subscription ends with an error the client sees');
  assert.deepEqual(closes[0], { code: TOKEN_GONE_CLOSE_CODE, reason: 'API token revoked or expired' });
  // the check runs every 2 s; "within seconds" with room for a loaded machine
  assert.ok(tookMs < 10_000, `closed after ${tookMs} ms`);
  await live(app, a.studyId, 1); // the other token's subscription is still attached
  const still = await Promise.race([
    kept.then(() => 'ended'),
    new Promise((r) => setTimeout(r, 2500, 'open')),
  ]);
  assert.equal(still, 'open');
  await survivor.dispose();
  await doomed.dispose();

  // and the revoked token gets nothing over HTTP either
  const r = await gql(app.url, '{ viewer { teamName } }', {}, token);
  assert.equal(r.status, 401);
  assert.equal(r.errors?.[0]?.extensions?.code, 'UNAUTHENTICATED');
});

test('an expiring token works until its time, then its subscription is closed and requests are refused', async () => {
  const expiresAt = new Date(Date.now() + 3000);
  const { token } = await createApiToken(db.sql, { teamId: b.teamId, name: 'short', expiresAt });
  const ok = await gql(app.url, '{ viewer { teamName } }', {}, token);
  assert.equal(ok.data?.viewer.teamName, 'team-b');
  const closes: number[] = [];
  const c = wsClient(app, token, (code) => closes.push(code));
  const ended = subscribeUntilEnd(c, b.studyId);
  await live(app, b.studyId, 1);
  const how = await ended;
  const late = Date.now() - expiresAt.getTime();
  assert.equal(how.ended, 'error');
  assert.equal(closes[0], TOKEN_GONE_CLOSE_CODE);
  assert.ok(late >= 0 && late < 10_000, `closed ${late} ms after expiry`);
  await c.dispose();
  const refused = await gql(app.url, '{ viewer { teamName } }', {}, token);
  assert.equal(refused.status, 401);
  assert.match(refused.errors![0]!.message, /unknown, revoked or expired/);
});

test('tokens cannot be made already expired or for longer than ten years', async () => {
  await assert.rejects(
    createApiToken(db.sql, { teamId: a.teamId, expiresAt: new Date(Date.now() - 1000) }),
    /expiresAt must be in the future/,
  );
  await assert.rejects(
    createApiToken(db.sql, { teamId: a.teamId, expiresAt: new Date(Date.now() + 11 * 365 * 86_400_000) }),
    /at most ten years/,
  );
});

test('over its budget a token gets HTTP 429 with Retry-After; other tokens are not slowed', async () => {
  const { token } = await createApiToken(db.sql, { teamId: a.teamId, name: 'flood' });
  const statuses: number[] = [];
  let last: Response | null = null;
  for (let i = 0; i < 8; i++) {
    last = await fetch(limited.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ viewer { teamName } }' }),
    });
    statuses.push(last.status);
    if (last.status !== 429) await last.body?.cancel();
  }
  assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429, 429, 429]);
  const retryAfter = Number(last!.headers.get('retry-after'));
  assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter}`);
  const body = (await last!.json()) as { errors: { message: string; extensions: Record<string, unknown> }[] };
  assert.equal(body.errors[0]!.extensions.code, 'RATE_LIMITED');
  assert.equal(body.errors[0]!.extensions.retryAfter, retryAfter);
  assert.match(body.errors[0]!.message, /more than 5 operations in 60 s; retry after \d+ s/);

  // another token of the same team has its own budget
  const other = await gql(limited.url, '{ viewer { teamName } }', {}, a.readToken);
  assert.equal(other.status, 200);

  // subscriptions spend the same budget: the flooding token's subscribe is refused with the same code
  const c = wsClient(limited, token);
  const how = await subscribeUntilEnd(c, a.studyId);
  await c.dispose();
  const errors = how.error as { extensions?: { code?: string; retryAfter?: number } }[];
  assert.equal(how.ended, 'error');
  assert.equal(errors[0]?.extensions?.code, 'RATE_LIMITED');
  assert.ok((errors[0]?.extensions?.retryAfter ?? 0) >= 1);
});
