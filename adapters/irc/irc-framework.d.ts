// Minimal typings for the parts of irc-framework 4.14 (CommonJS, untyped) that the IRC adapter uses.
declare module 'irc-framework' {
  import type { EventEmitter } from 'node:events';

  export interface IrcFrameworkMessage {
    tags: Record<string, string>;
    prefix: string;
    nick: string;
    ident: string;
    hostname: string;
    command: string;
    params: string[];
  }

  export interface IrcFrameworkConnection extends EventEmitter {
    connected: boolean;
    write(data: string, callback?: () => void): boolean;
    end(data?: string, hadError?: boolean): void;
  }

  export interface IrcFrameworkNetwork {
    options: Record<string, unknown>;
    cap: {
      enabled: string[];
      available: Map<string, string>;
      isEnabled(cap: string): boolean;
    };
  }

  export class Client extends EventEmitter {
    constructor(options?: Record<string, unknown>);
    connection: IrcFrameworkConnection;
    network: IrcFrameworkNetwork;
    user: { nick: string; username: string; host: string };
    connected: boolean;
    requestCap(cap: string | string[]): void;
    connect(options?: Record<string, unknown>): void;
    raw(line: string): void;
    quit(message?: string): void;
  }

  const ircFramework: { Client: typeof Client };
  export default ircFramework;
}
