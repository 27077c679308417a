/**
 * Tools the hub answers itself: workflows and composite fan-out tools. A source of them is listed in the
 * catalog like a server (unprefixed, after the configured servers, so conflicts, shaping and pinning treat
 * its tools like any other) and dispatch sends its calls to it like to a server, so every interceptor of
 * the call path (fallbacks, and audit and tracing when they come) applies to them as well.
 */
import type { CallToolResult, Result, Tool } from '@modelcontextprotocol/client';
import { HubError } from '../errors.ts';
import type { RouteOptions } from '../routing/logical-server.ts';
import type { RoutedServer } from './dispatch.ts';

export interface LocalToolSource {
  /**
   * Stands for a server name in the catalog and in errors. In parentheses (`(workflows)`), which no
   * server name may contain, so it never clashes with a configured server.
   */
  readonly name: string;
  /** The tools it serves now; after a change the owner calls `Hub.localToolsChanged`. */
  tools(): readonly Tool[];
  /** Answers `tools/call` of one of its tools (`name` as it listed it). */
  call(name: string, args: Record<string, unknown>, options: RouteOptions): Promise<CallToolResult>;
}

/** `source` as dispatch sees a server: always ready, unprefixed, answering only `tools/call`. */
export function routedLocalSource(source: LocalToolSource): RoutedServer {
  return {
    name: source.name,
    state: 'ready',
    config: { prefix: false },
    request(method: string, params: Record<string, unknown>, options: RouteOptions): Promise<Result> {
      if (method !== 'tools/call') {
        throw new HubError('INVALID_REQUEST', `${source.name} serves tools only, not ${method}`, {
          server: source.name,
        });
      }
      const args = (params.arguments ?? {}) as Record<string, unknown>;
      return source.call(String(params.name), args, options);
    },
  };
}
