import assert from 'node:assert/strict';
import { connect as tcp } from 'node:net';
import { after, before, test } from 'node:test';
import { connect, type Sql } from './connect';
import { type EmbeddedDatabase, startEmbedded } from './embedded';

let embedded: EmbeddedDatabase;
let sql: Sql;
let port: number;

before(async () => {
  embedded = await startEmbedded({ wireLimits: { idleInTransactionMs: 500, maxMessageBytes: 1024 * 1024 } });
  port = Number(new URL(embedded.url).port);
  sql = await connect(embedded.url, { max: 2 });
});
after(async () => {
  await sql.end({ timeout: 5 });
  await embedded.stop();
});

/** Sends `bytes` on a raw connection; resolves with everything the server sent back once it closed the socket. */
function exchange(...parts: Buffer[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const got: Buffer[] = [];
    const s = tcp(port, '127.0.0.1', () => {
      for (const p of parts) s.write(p);
    });
    s.on('data', (d) => got.push(d));
    s.on('close', () => resolve(Buffer.concat(got)));
    s.on('error', reject);
    setTimeout(() => {
      s.destroy();
      reject(new Error(`the server kept the socket open; it sent ${Buffer.concat(got).toString('latin1')}`));
    }, 5000).unref();
  });
}

const int32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
};
/** A valid startup packet (protocol 3.0, user and database postgres). */
const startup = () => {
  const body = Buffer.concat([
    int32(196608),
    Buffer.from('user\0postgres\0database\0postgres\0\0', 'latin1'),
  ]);
  return Buffer.concat([int32(body.length + 4), body]);
};
/** The FATAL ErrorResponse's SQLSTATE and message in what the server sent. */
const fatal = (out: Buffer) => {
  const i = out.lastIndexOf(Buffer.from('SFATAL\0', 'latin1'));
  assert.ok(i >= 0, `a FATAL error response, got ${JSON.stringify(out.toString('latin1'))}`);
  const text = out.subarray(i).toString('utf8');
  return { code: /\0C([0-9A-Z]{5})\0/.exec(text)?.[1], message: /\0M([^\0]*)\0/.exec(text)?.[1] ?? '' };
};

test('impossible startup lengths get an error and a closed socket; other clients keep working', async () => {
  for (const len of [0, 4, 7, 0x7fffffff, 0xffffffff]) {
    const out = await exchange(Buffer.concat([int32(len), int32(196608)]));
    const e = fatal(out);
    assert.equal(e.code, '08P01', `length ${len}`);
    assert.match(e.message, /invalid startup packet length/);
    const [row] = await sql`select 1 as one`;
    assert.equal(row!.one, 1, `served others after length ${len}`);
  }
});

test('an impossible or oversized message length after startup is refused the same way', async () => {
  for (const [len, code] of [
    [0xffffffff, '54000'],
    [2, '08P01'],
    [2 * 1024 * 1024, '54000'],
  ] as const) {
    const out = await exchange(startup(), Buffer.concat([Buffer.from('Q'), int32(len)]));
    const e = fatal(out);
    assert.equal(e.code, code, `length ${len}`);
    assert.match(e.message, /invalid message length/);
    assert.equal((await sql`select 2 as two`)[0]!.two, 2);
  }
});

test('a message arriving a byte at a time is assembled once it is whole', async () => {
  const query = Buffer.from('select 41 + 1\0', 'utf8');
  const msg = Buffer.concat([Buffer.from('Q'), int32(query.length + 4), query, Buffer.from('X'), int32(4)]);
  const bytes = [...startup(), ...msg].map((b) => Buffer.from([b]));
  const out = await exchange(...bytes);
  assert.match(out.toString('latin1'), /42/);
});

test('a client idle inside a transaction is rolled back and closed; the backend goes to the others', async () => {
  const holder = await connect(embedded.url, { max: 1 });
  try {
    await sql`create table if not exists idle_t (id int)`;
    const reserved = await holder.reserve();
    await reserved`begin`;
    await reserved`insert into idle_t values (1)`;
    // the holder now sits idle in its transaction: without the timeout this select would wait forever
    const t0 = Date.now();
    const [row] = await sql`select count(*)::int as n from idle_t`;
    assert.equal(row!.n, 0, "the idle client's insert was rolled back");
    assert.ok(Date.now() - t0 < 4000, 'others got the backend once the idle timeout passed');
    await assert.rejects(() => reserved`commit`, 'the idle client was disconnected');
    reserved.release();
  } finally {
    await holder.end({ timeout: 1 });
  }
});
