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
 */
export class WireServer {
  private server: Server | null = null;
  private holder: number | null = null;
  private waiters: Array<{ conn: number; wake: () => void }> = [];
  private nextConn = 1;
  private sockets = new Set<Socket>();
  /** channel → connections listening on it, with their sockets. */
  private listeners = new Map<string, Map<number, Socket>>();

  constructor(private readonly db: PGlite) {}

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
    let buffer: Buffer = Buffer.alloc(0);
    let started = false;
    let pending: Buffer[] = [];
    let chain = Promise.resolve();
    let closed = false;

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
        } catch (err) {
          this.release(conn);
          socket.destroy(err as Error);
        }
      }));

    const onData = (chunk: Buffer) => {
      buffer = buffer.length ? Buffer.concat([buffer, chunk]) : chunk;
      for (;;) {
        if (!started) {
          if (buffer.length < 8) return;
          const len = buffer.readInt32BE(0);
          if (buffer.length < len) return;
          const code = buffer.readInt32BE(4);
          const msg = buffer.subarray(0, len);
          buffer = buffer.subarray(len);
          if (code === 80877103 || code === 80877104) {
            socket.write('N'); // no SSL, no GSS encryption: loopback only
            continue;
          }
          if (code === 80877102) {
            socket.end(); // cancel request: not supported
            return;
          }
          started = true;
          run(Buffer.from(msg), true);
          continue;
        }
        if (buffer.length < 5) return;
        const len = buffer.readInt32BE(1) + 1;
        if (buffer.length < len) return;
        const type = String.fromCharCode(buffer[0]!);
        const msg = buffer.subarray(0, len);
        buffer = buffer.subarray(len);
        if (type === 'X') {
          socket.end();
          return;
        }
        pending.push(Buffer.from(msg));
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
