import { createServer, type Server, type Socket } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';

/**
 * Serves one PGlite over the PostgreSQL wire protocol to many client connections.
 *
 * @remarks Written here because `@electric-sql/pglite-socket` 0.2 interleaves clients message by message: with two
 * postgres.js pools, connection B's Parse can land between A's Parse and Bind ("bind message supplies 2 parameters,
 * but prepared statement "" requires 0"). PGlite has ONE backend, so a client's exchange must run as a unit.
 * This server cuts each client's byte stream into exchanges that end at Sync or a simple Query, and runs each
 * exchange whole under one lock. While a client's transaction is open (ReadyForQuery status T or E) the lock stays
 * with that client, so transactions serialise exactly as they would with row locks held on a real server.
 * LISTEN/NOTIFY works across connections (unlike pglite-socket, DESIGN.md §5): the single backend listens on
 * behalf of every client, and this server takes each NotificationResponse out of the output it arrives in and
 * sends it to the connections that ran LISTEN on that channel.
 * Not supported: COPY (the client gets PGlite's own error), cancel requests (ignored).
 *
 * Bad input never stalls the process that hosts the database: a startup packet or message whose length is
 * impossible (below its own header, over {@link WireLimits}) gets a FATAL ErrorResponse and a closed socket, other
 * clients carry on; bytes are gathered per chunk and joined once a whole message is there (not re-joined per
 * chunk); a client idle inside a transaction longer than `idleInTransactionMs` is rolled back and disconnected
 * (PostgreSQL's idle_in_transaction_session_timeout), so it cannot hold the one backend forever; a failed exchange
 * rolls back its transaction before another client gets the backend.
 */
/** Bounds a client must stay within. */
export interface WireLimits {
  /** Largest startup packet, bytes (PostgreSQL's own limit is 10,000). Default 10,000. */
  maxStartupBytes: number;
  /** Largest protocol message, bytes (PostgreSQL allows up to 1 GiB; bulk inserts here stay far below). Default 256 MiB. */
  maxMessageBytes: number;
  /** A client holding the backend inside a transaction is rolled back and closed after this long idle, ms. Default 60,000. */
  idleInTransactionMs: number;
}

export const DEFAULT_WIRE_LIMITS: WireLimits = {
  maxStartupBytes: 10_000,
  maxMessageBytes: 256 * 1024 * 1024,
  idleInTransactionMs: 60_000,
};

export class WireServer {
  private server: Server | null = null;
  private holder: number | null = null;
  private waiters: Array<{ conn: number; wake: () => void }> = [];
  private nextConn = 1;
  private sockets = new Set<Socket>();
  /** channel → connections listening on it, with their sockets. */
  private listeners = new Map<string, Map<number, Socket>>();

  private readonly limits: WireLimits;

  constructor(
    private readonly db: PGlite,
    limits: Partial<WireLimits> = {},
  ) {
    this.limits = { ...DEFAULT_WIRE_LIMITS, ...limits };
  }

  /** Listens on 127.0.0.1:`port` (0 = any free port); resolves to the port. */
  async listen(port: number, host = '127.0.0.1'): Promise<number> {
    const server = createServer((socket) => this.accept(socket));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address();
    if (address === null || typeof address !== 'object') throw new Error('wire server has no address');
    return address.port;
  }

  /** Closes every client connection and the listener. */
  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async acquire(conn: number): Promise<void> {
    if (this.holder === null || this.holder === conn) {
      this.holder = conn;
      return;
    }
    await new Promise<void>((wake) => this.waiters.push({ conn, wake }));
    this.holder = conn;
  }

  private release(conn: number): void {
    if (this.holder !== conn) return;
    this.holder = null;
    const next = this.waiters.shift();
    if (next) {
      this.holder = next.conn;
      next.wake();
    }
  }

  /** Records LISTEN / UNLISTEN statements a successful exchange ran (simple Query or Parse messages). */
  private trackListen(conn: number, socket: Socket, exchange: Buffer): void {
    for (const text of statementTexts(exchange)) {
      const m = LISTEN_RE.exec(text);
      if (!m) continue;
      const verb = m[1]!.toLowerCase();
      const channel = m[2]!.startsWith('"') ? m[2]!.slice(1, -1).replace(/""/g, '"') : m[2]!.toLowerCase();
      if (verb === 'listen') {
        let conns = this.listeners.get(channel);
        if (!conns) {
          conns = new Map();
          this.listeners.set(channel, conns);
        }
        conns.set(conn, socket);
      } else if (channel === '*') {
        for (const conns of this.listeners.values()) conns.delete(conn);
      } else {
        this.listeners.get(channel)?.delete(conn);
      }
    }
  }

  private accept(socket: Socket): void {
    const conn = this.nextConn++;
    this.sockets.add(socket);
    socket.setNoDelay(true);
    // bytes not yet cut into messages: chunks as they came, joined only once a whole message is there
    let chunks: Buffer[] = [];
    let buffered = 0;
    let started = false;
    let pending: Buffer[] = [];
    let chain = Promise.resolve();
    let closed = false;
    let idle: NodeJS.Timeout | null = null;

    const join = (): Buffer => {
      if (chunks.length > 1) chunks = [Buffer.concat(chunks, buffered)];
      return chunks[0] ?? Buffer.alloc(0);
    };
    const take = (n: number): Buffer => {
      const all = join();
      const msg = all.subarray(0, n);
      const rest = all.subarray(n);
      chunks = rest.length ? [rest] : [];
      buffered = rest.length;
      return msg;
    };
    /** Refuses the client with a FATAL ErrorResponse (SQLSTATE `code`) and closes its socket. */
    const refuse = (code: string, message: string) => {
      chunks = [];
      buffered = 0;
      if (!socket.destroyed) socket.end(errorResponse(code, message));
      socket.destroy();
    };
    const stopIdle = () => {
      if (idle) clearTimeout(idle);
      idle = null;
    };

    const run = (exchange: Buffer, ends: boolean) =>
      (chain = chain.then(async () => {
        if (closed) return;
        await this.acquire(conn);
        try {
          const raw = await this.db.runExclusive(() => this.db.execProtocolRaw(new Uint8Array(exchange)));
          const { out, notifications } = splitNotifications(raw);
          if (!closed && out.length > 0) socket.write(out);
          const status = lastReadyStatus(out);
          if (status !== null && !hasError(out)) this.trackListen(conn, socket, exchange);
          for (const n of notifications) {
            for (const s of this.listeners.get(n.channel)?.values() ?? [])
              if (!s.destroyed) s.write(n.message);
          }
          // Keep the backend while mid-exchange (Flush) or inside a transaction.
          if (ends && status === 'I') this.release(conn);
          else if (ends && status === null && !this.db.isInTransaction()) this.release(conn);
          // holding it inside a transaction: only for so long without a word from the client
          if (this.holder === conn && (status === 'T' || status === 'E') && !closed) {
            stopIdle();
            idle = setTimeout(
              () =>
                refuse(
                  '25P03',
                  `terminating connection: idle in transaction for over ${this.limits.idleInTransactionMs} ms`,
                ),
              this.limits.idleInTransactionMs,
            );
            idle.unref();
          }
        } catch (err) {
          // the next client must not inherit this one's half-done transaction
          if (this.db.isInTransaction()) await this.db.exec('ROLLBACK').catch(() => {});
          this.release(conn);
          socket.destroy(err as Error);
        }
      }));

    const onData = (chunk: Buffer) => {
      stopIdle();
      chunks.push(chunk);
      buffered += chunk.length;
      for (;;) {
        if (!started) {
          if (buffered < 8) return;
          const head = join();
          const len = head.readInt32BE(0);
          if (len < 8 || len > this.limits.maxStartupBytes)
            return refuse(
              '08P01',
              `invalid startup packet length ${len} (8 to ${this.limits.maxStartupBytes} bytes)`,
            );
          if (buffered < len) return;
          const code = head.readInt32BE(4);
          const msg = Buffer.from(take(len));
          if (code === 80877103 || code === 80877104) {
            socket.write('N'); // no SSL, no GSS encryption: loopback only
            continue;
          }
          if (code === 80877102) {
            socket.end(); // cancel request: not supported
            return;
          }
          started = true;
          run(msg, true);
          continue;
        }
        if (buffered < 5) return;
        const head = join();
        const bodyLen = head.readUInt32BE(1);
        if (bodyLen < 4 || bodyLen > this.limits.maxMessageBytes)
          return refuse(
            bodyLen < 4 ? '08P01' : '54000',
            `invalid message length ${bodyLen} (4 to ${this.limits.maxMessageBytes} bytes)`,
          );
        const len = bodyLen + 1;
        if (buffered < len) return;
        const type = String.fromCharCode(head[0]!);
        const msg = Buffer.from(take(len));
        if (type === 'X') {
          // after the exchanges already sent have been answered
          chain = chain.then(() => {
            socket.end();
          });
          return;
        }
        pending.push(msg);
        if (type === 'S' || type === 'Q' || type === 'H') {
          const exchange = Buffer.concat(pending);
          pending = [];
          run(exchange, type !== 'H');
        }
      }
    };

    const onClose = () => {
      if (closed) return;
      closed = true;
      stopIdle();
      this.sockets.delete(socket);
      for (const conns of this.listeners.values()) conns.delete(conn);
      chain = chain.then(async () => {
        if (this.holder === conn) {
          if (this.db.isInTransaction()) await this.db.exec('ROLLBACK').catch(() => {});
          this.release(conn);
        } else {
          this.waiters = this.waiters.filter((w) => w.conn !== conn);
        }
      });
    };
    socket.on('data', onData);
    socket.on('close', onClose);
    socket.on('error', onClose);
  }
}

/**
 * The messages in a run of protocol messages (type byte, int32 length counting itself, body), as offsets: the one
 * framing every helper below walks.
 */
function* messages(buf: Uint8Array): Generator<{ type: number; start: number; body: number; end: number }> {
  let i = 0;
  while (i + 5 <= buf.length) {
    const len = ((buf[i + 1]! << 24) | (buf[i + 2]! << 16) | (buf[i + 3]! << 8) | buf[i + 4]!) >>> 0;
    yield { type: buf[i]!, start: i, body: i + 5, end: i + 1 + len };
    i += 1 + len;
  }
}

/** Status byte of the last ReadyForQuery ('Z') in a run of backend messages: 'I', 'T', 'E', or null if none. */
function lastReadyStatus(out: Uint8Array): string | null {
  let status: string | null = null;
  for (const m of messages(out)) {
    if (m.type === 0x5a && m.end - m.body === 1 && m.body < out.length)
      status = String.fromCharCode(out[m.body]!);
  }
  return status;
}

const LISTEN_RE = /^\s*(listen|unlisten)\s+("(?:[^"]|"")+"|[A-Za-z_][\w$]*|\*)\s*;?\s*$/i;

/** SQL texts of the Query ('Q') and Parse ('P') messages in a run of frontend messages. */
function statementTexts(exchange: Buffer): string[] {
  const texts: string[] = [];
  for (const m of messages(exchange)) {
    const body = exchange.subarray(m.body, m.end);
    if (m.type === 0x51) texts.push(body.toString('utf8', 0, Math.max(0, body.indexOf(0))));
    else if (m.type === 0x50) {
      const nameEnd = body.indexOf(0);
      const queryEnd = body.indexOf(0, nameEnd + 1);
      texts.push(body.toString('utf8', nameEnd + 1, queryEnd));
    }
  }
  return texts;
}

/** Takes NotificationResponse ('A') messages out of backend output. */
function splitNotifications(raw: Uint8Array): {
  out: Uint8Array;
  notifications: { channel: string; message: Uint8Array }[];
} {
  const buf = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  const notifications: { channel: string; message: Uint8Array }[] = [];
  const keep: Buffer[] = [];
  let from = 0;
  for (const m of messages(buf)) {
    if (m.type !== 0x41) continue;
    const message = Buffer.from(buf.subarray(m.start, m.end));
    const channelEnd = message.indexOf(0, 9);
    notifications.push({ channel: message.toString('utf8', 9, channelEnd), message });
    keep.push(buf.subarray(from, m.start));
    from = m.end;
  }
  if (notifications.length === 0) return { out: raw, notifications };
  keep.push(buf.subarray(from));
  return { out: Buffer.concat(keep), notifications };
}

/** True if backend output holds an ErrorResponse ('E'). */
function hasError(out: Uint8Array): boolean {
  for (const m of messages(out)) if (m.type === 0x45) return true;
  return false;
}

/** A FATAL ErrorResponse message: severity, SQLSTATE `code` and `message` (then the terminating zero). */
function errorResponse(code: string, message: string): Buffer {
  const fields = Buffer.from(`SFATAL\0VFATAL\0C${code}\0M${message}\0\0`, 'utf8');
  const out = Buffer.alloc(5 + fields.length);
  out.write('E', 0, 'latin1');
  out.writeInt32BE(4 + fields.length, 1);
  fields.copy(out, 5);
  return out;
}
