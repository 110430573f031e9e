/**
 * A tiny authoritative DNS responder on UDP loopback for tests (RFC 1035 §4 message format, RFC 2782 SRV records).
 * It answers SRV questions from a table a test sets, and NXDOMAIN for everything else, so an adapter pointed at it
 * (XMPP's `_dns_servers` test seam) finds a local server through service records without touching the real DNS.
 */
import { createSocket, type Socket } from 'node:dgram';

export interface SrvRecord {
  priority: number;
  weight: number;
  port: number;
  /** Target host name; `.` means "service decidedly not available" (RFC 2782). */
  target: string;
}

export interface DnsServer {
  /** `127.0.0.1:<port>`, the form `dns.Resolver#setServers` takes. */
  address: string;
  port: number;
  /** SRV answers by owner name (`_xmpp-client._tcp.localhost`); edit freely between queries. */
  srv: Map<string, SrvRecord[]>;
  /** Questions received, as `<name> <type number>`, in order (lower-cased names). */
  queries: string[];
  stop(): Promise<void>;
}

const TYPE_SRV = 33;

function readName(buf: Buffer, offset: number): { name: string; next: number } {
  const labels: string[] = [];
  let i = offset;
  for (;;) {
    const len = buf[i];
    if (len === undefined) throw new Error('truncated name');
    if (len === 0) return { name: labels.join('.'), next: i + 1 };
    // Questions from resolvers carry no compression pointers; refuse them rather than follow loops.
    if ((len & 0xc0) !== 0) throw new Error('compressed name in question');
    labels.push(buf.subarray(i + 1, i + 1 + len).toString('latin1'));
    i += 1 + len;
  }
}

function writeName(name: string): Buffer {
  const parts = name.replace(/\.$/, '').split('.').filter((p) => p.length > 0);
  const bufs = parts.map((p) => Buffer.concat([Buffer.from([p.length]), Buffer.from(p, 'latin1')]));
  return Buffer.concat([...bufs, Buffer.from([0])]);
}

function answer(query: Buffer, srv: Map<string, SrvRecord[]>, queries: string[]): Buffer | undefined {
  if (query.length < 12) return undefined;
  const id = query.readUInt16BE(0);
  const qdcount = query.readUInt16BE(4);
  if (qdcount !== 1) return undefined;
  const { name, next } = readName(query, 12);
  const qtype = query.readUInt16BE(next);
  const question = query.subarray(12, next + 4);
  queries.push(`${name.toLowerCase()} ${qtype}`);
  const records = qtype === TYPE_SRV ? srv.get(name.toLowerCase()) : undefined;
  const rrs = (records ?? []).map((r) => {
    const rdata = Buffer.concat([Buffer.alloc(6), writeName(r.target)]);
    rdata.writeUInt16BE(r.priority, 0);
    rdata.writeUInt16BE(r.weight, 2);
    rdata.writeUInt16BE(r.port, 4);
    const head = Buffer.alloc(12);
    head.writeUInt16BE(0xc00c, 0); // pointer to the question's name
    head.writeUInt16BE(TYPE_SRV, 2);
    head.writeUInt16BE(1, 4); // class IN
    head.writeUInt32BE(60, 6); // TTL
    head.writeUInt16BE(rdata.length, 10);
    return Buffer.concat([head, rdata]);
  });
  const header = Buffer.alloc(12);
  header.writeUInt16BE(id, 0);
  // QR, opcode 0, AA, RD copied; RA; RCODE NXDOMAIN (3) when the name has no records at all.
  const rd = query[2]! & 0x01;
  const known = srv.has(name.toLowerCase());
  header[2] = 0x84 | rd;
  header[3] = 0x80 | (known ? 0 : 3);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(rrs.length, 6);
  return Buffer.concat([header, question, ...rrs]);
}

/** Starts the responder on a random UDP port of 127.0.0.1. */
export async function startDnsServer(): Promise<DnsServer> {
  const socket: Socket = createSocket('udp4');
  const srv = new Map<string, SrvRecord[]>();
  const queries: string[] = [];
  socket.on('message', (msg, rinfo) => {
    let out: Buffer | undefined;
    try {
      out = answer(msg, srv, queries);
    } catch {
      out = undefined;
    }
    if (out) socket.send(out, rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => resolve());
  });
  const port = socket.address().port;
  return {
    address: `127.0.0.1:${port}`,
    port,
    srv,
    queries,
    stop: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
