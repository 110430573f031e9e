/** What the engine knows about one configured account while it runs. */
import type { Adapter } from '../contract.js';
import type { Protocol } from '../model.js';

export interface AccountRuntime {
  id: string;
  protocol: Protocol;
  enabled: boolean;
  /**
   * Builds a fresh adapter for each connection started by the engine or the user (/connect); may load the adapter's
   * code first. Absent: natter has no adapter for the protocol yet.
   */
  factory?: () => Adapter | Promise<Adapter>;
  /** Why there is no adapter (shown on the status line and in `natter accounts`). */
  unavailable?: string;
  /** The protocol keys of the account's config (secrets excluded). */
  config: Record<string, unknown>;
  secret(name: string): Promise<string | undefined>;
  /** Set by the engine while the account is started. */
  adapter?: Adapter;
}

/** The program around the engine: things the engine asks for but cannot do itself. */
export interface EngineHost {
  /** Adds an account described by a URL (`/connect ircs://nick@host/#chan`), persisting it in the config. */
  addAccount?(url: string): Promise<AccountRuntime>;
  /** The user asked to quit: stop everything and leave the UI. */
  quit?(reason?: string): void;
}
