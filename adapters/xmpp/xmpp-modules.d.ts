/**
 * Minimal type declarations for the parts of xmpp.js (@xmpp/* 0.14, ISC) the XMPP adapter composes itself. The
 * packages ship no types; only what the adapter calls is declared.
 */
/* eslint-disable @typescript-eslint/consistent-type-imports -- ambient module declarations cannot use top-level type imports */
declare module '@xmpp/xml' {
  export interface Element {
    name: string;
    attrs: Record<string, string | undefined>;
    children: Array<Element | string>;
    parent: Element | null;
    is(name: string, xmlns?: string): boolean;
    getNS(): string | undefined;
    getChild(name: string, xmlns?: string): Element | undefined;
    getChildren(name: string, xmlns?: string): Element[];
    getChildElements(): Element[];
    getChildText(name: string, xmlns?: string): string | null;
    getText(): string;
    text(): string;
    append(...children: Array<Element | string>): Element;
    toString(): string;
  }
  type Child = Element | string | undefined | null | false;
  interface XmlFn {
    (name: string, attrs?: Record<string, string | number | undefined> | null, ...children: Array<Child | Child[]>): Element;
    Element: new (name: string, attrs?: Record<string, string>) => Element;
  }
  const xml: XmlFn;
  export default xml;
}
declare module '@xmpp/xml/lib/parse.js' {
  import type { Element } from '@xmpp/xml';
  export default function parse(text: string): Element;
}
declare module '@xmpp/events' {
  import { EventEmitter } from 'node:events';
  export { EventEmitter };
  export function promise<T = unknown>(target: EventEmitter, event: string, rejectEvent?: string | null, timeout?: number): Promise<T>;
}
declare module '@xmpp/client-core' {
  import { EventEmitter } from 'node:events';
  import type { Element } from '@xmpp/xml';
  export interface JidLike {
    local: string;
    domain: string;
    resource: string;
    bare(): JidLike;
    toString(): string;
  }
  export class Client extends EventEmitter {
    constructor(options: { service: string; domain: string; timeout?: number; lang?: string });
    transports: unknown[];
    jid: JidLike | null;
    status: string;
    socket: { secure?: boolean; socket?: import('node:net').Socket | null; end(): void } | null;
    options: { service: string; domain: string };
    start(): Promise<JidLike>;
    connect(service: string): Promise<unknown>;
    open(options: { domain: string; lang?: string }): Promise<unknown>;
    stop(): Promise<unknown>;
    disconnect(): Promise<unknown>;
    send(element: Element): Promise<void>;
    sendReceive(element: Element, timeout?: number): Promise<Element>;
    isSecure(): boolean;
    restart(): Promise<unknown>;
    _attachSocket(socket: unknown): void;
  }
}
declare module '@xmpp/connection-tcp' {
  const ConnectionTCP: { new (...args: unknown[]): unknown; prototype: { socketParameters(service: string): unknown } };
  export default ConnectionTCP;
}
declare module '@xmpp/tls/lib/Connection.js' {
  const ConnectionTLS: { new (...args: unknown[]): unknown; prototype: { socketParameters(service: string): unknown; Socket: unknown } };
  export default ConnectionTLS;
}
declare module '@xmpp/tls/lib/Socket.js' {
  import { EventEmitter } from 'node:events';
  export default class Socket extends EventEmitter {
    socket: import('node:tls').TLSSocket | null;
    secure: boolean;
    connect(options: import('node:tls').ConnectionOptions): void;
    end(): void;
    write(data: string, cb?: (err?: Error) => void): void;
  }
}
declare module '@xmpp/middleware' {
  import type { Element } from '@xmpp/xml';
  export interface Middleware {
    use(fn: (ctx: { stanza: Element; entity: unknown }, next: () => Promise<unknown>) => unknown): unknown;
    filter(fn: (ctx: { stanza: Element; entity: unknown }, next: () => Promise<unknown>) => unknown): unknown;
  }
  export default function middleware(o: { entity: unknown }): Middleware;
}
declare module '@xmpp/stream-features' {
  import type { Element } from '@xmpp/xml';
  import type { Middleware } from '@xmpp/middleware';
  export interface StreamFeatures {
    use(
      name: string,
      xmlns: string,
      handler: (ctx: { entity: import('@xmpp/client-core').Client; stanza: Element }, next: () => Promise<unknown>, feature: Element) => unknown,
    ): unknown;
  }
  export default function streamFeatures(o: { middleware: Middleware }): StreamFeatures;
}
declare module '@xmpp/iq/caller.js' {
  import type { Element } from '@xmpp/xml';
  export interface IqCaller {
    request(stanza: Element, timeout?: number): Promise<Element>;
    get(child: Element, to?: string, timeout?: number): Promise<Element>;
    set(child: Element, to?: string, timeout?: number): Promise<Element>;
  }
  export default function iqCaller(o: { middleware: unknown; entity: unknown }): IqCaller;
}
declare module '@xmpp/iq/callee.js' {
  import type { Element } from '@xmpp/xml';
  export interface IqCallee {
    get(ns: string, name: string, handler: (ctx: unknown) => Element | Record<string, never> | Promise<Element>): void;
    set(ns: string, name: string, handler: (ctx: unknown) => Element | Record<string, never> | Promise<Element>): void;
  }
  export default function iqCallee(o: { middleware: unknown; entity: unknown }): IqCallee;
}
declare module '@xmpp/sasl' {
  export default function sasl(
    o: { streamFeatures: unknown; saslFactory: unknown },
    onAuthenticate: (done: (credentials: { username: string; password: string }, mechanism: string) => Promise<void>, mechanisms: string[], fast: unknown, entity: import('@xmpp/client-core').Client) => Promise<void>,
  ): void;
}
declare module '@xmpp/sasl-scram-sha-1' {
  export default function scramsha1(factory: unknown): void;
}
declare module '@xmpp/sasl-plain' {
  export default function plain(factory: unknown): void;
}
declare module '@xmpp/resource-binding' {
  export default function resourceBinding(o: { streamFeatures: unknown; iqCaller: unknown }, resource: string | (() => string | Promise<string>)): void;
}
declare module '@xmpp/stream-management' {
  import { EventEmitter } from 'node:events';
  export interface StreamManagement extends EventEmitter {
    enabled: boolean;
    id: string;
    inbound: number;
    outbound: number;
    timeout: number;
    requestAckInterval: number;
  }
  export default function streamManagement(o: { streamFeatures: unknown; entity: unknown; middleware: unknown }): StreamManagement;
}
declare module 'saslmechanisms' {
  export default class SASLFactory {
    use(mech: unknown): this;
  }
}
declare module '@xmpp/tcp/lib/Connection.js' {
  const ConnectionTCP: { new (...args: unknown[]): unknown; prototype: { socketParameters(service: string): unknown; Socket: unknown } };
  export default ConnectionTCP;
}
