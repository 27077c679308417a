import type { Client, LoggingLevel, McpSubscription, ServerCapabilities } from '@modelcontextprotocol/client';
import { describeError } from '../errors.ts';
import type { Logger } from '../observability/logger.ts';
import { MODERN_ERA } from './request-envelope.ts';

/** What the standing requests need to know about the connection of the moment. */
export interface StandingTarget {
  client(): Client | undefined;
  capabilities(): ServerCapabilities;
  protocolVersion(): string | undefined;
  /** Sends a request through the upstream (its waiting and retrying apply). */
  request(method: string, params: Record<string, unknown>): Promise<unknown>;
}

/**
 * What the hub keeps asking of one server across reconnects: the lowest log level any client wants, and the
 * resources clients subscribed to. `reapply` sends them again on every new connection.
 */
export class StandingRequests {
  readonly #target: StandingTarget;
  readonly #logger: Logger;
  #logLevel: LoggingLevel | undefined;
  readonly #subscriptions = new Set<string>();
  #listening: McpSubscription | undefined;

  constructor(target: StandingTarget, logger: Logger) {
    this.#target = target;
    this.#logger = logger;
  }

  /**
   * The lowest log level any client asked for. Sent to a 2025-era server that logs, now and after every
   * reconnect; the hub filters per client. (2026-era servers get each caller's level with its request.)
   */
  setLogLevel(level: LoggingLevel): void {
    this.#logLevel = level;
    this.#applyLogLevel();
  }

  /**
   * Subscribes to updates of `uri` (kept across reconnects); `false` unsubscribes. A 2025-era server gets
   * `resources/subscribe`; a 2026-era one has no such method, so the hub keeps one `subscriptions/listen`
   * stream to it naming every subscribed URI, replaced when the set changes.
   */
  async subscribe(uri: string, on: boolean): Promise<void> {
    if (on) this.#subscriptions.add(uri);
    else this.#subscriptions.delete(uri);
    if (this.#modern()) await this.#listen();
    else await this.#target.request(on ? 'resources/subscribe' : 'resources/unsubscribe', { uri });
  }

  /** Sends the log level and the subscriptions again on a new connection. */
  reapply(): void {
    this.#applyLogLevel();
    const failed = (uri: string) => (error: unknown) =>
      this.#logger.warn({ err: describeError(error), uri }, 'resubscribing after reconnect failed');
    if (this.#modern()) {
      this.#listen().catch(failed([...this.#subscriptions].join(' ')));
      return;
    }
    for (const uri of this.#subscriptions) {
      this.#target.request('resources/subscribe', { uri }).catch(failed(uri));
    }
  }

  /** The connection is gone, and its `subscriptions/listen` stream with it. */
  connectionLost(): void {
    this.#listening = undefined;
  }

  #modern(): boolean {
    return this.#target.protocolVersion() === MODERN_ERA;
  }

  #applyLogLevel(): void {
    const client = this.#target.client();
    const level = this.#logLevel;
    if (!client || !level || !this.#target.capabilities().logging || this.#modern()) return;
    client
      .setLoggingLevel(level)
      .catch((error: unknown) => this.#logger.warn({ err: describeError(error) }, 'logging/setLevel failed'));
  }

  async #listen(): Promise<void> {
    const client = this.#target.client();
    const previous = this.#listening;
    this.#listening = undefined;
    // The new stream opens before the old one closes: an update in between arrives twice, never not at all.
    if (client && this.#subscriptions.size > 0) {
      this.#listening = await client.listen({ resourceSubscriptions: [...this.#subscriptions] });
    }
    await previous?.close();
  }
}
