/** The `listen` section: defaults, `${VAR}` expansion (unset variables are fatal here) and port parsing. */
import type { ConfigIssue } from './config-error.ts';
import { describeFailure, type Env, hasVariables, interpolate } from './interpolate.ts';
import { DEFAULT_LISTEN, type ListenConfig } from './model.ts';
import { listenSchema } from './schema.ts';
import type { Position } from './source.ts';

/** What `resolveListen` needs from the file being read; fatal issues are appended to `issues`. */
export interface ListenContext {
  file: string;
  env: Env;
  locate(path: readonly PropertyKey[]): Position | undefined;
  issues: ConfigIssue[];
}

/** Host and port to listen on. Shape errors were already reported by the file schema; defaults stand in. */
export function resolveListen(raw: unknown, ctx: ListenContext): ListenConfig {
  const parsed = listenSchema.safeParse(raw ?? {});
  if (!parsed.success) return { ...DEFAULT_LISTEN };
  const issue = (field: string, message: string, fix: string) =>
    ctx.issues.push({
      file: ctx.file,
      ...ctx.locate(['listen', field]),
      path: `listen.${field}`,
      message,
      fix,
    });
  // Outside a server entry there is no single server to mark failed, so an unset variable stops the load.
  const expand = (field: string, text: string): string | undefined => {
    const result = interpolate(text, ctx.env);
    if (result.ok) return result.value;
    const { message, fix } = describeFailure(result);
    issue(field, message, fix);
    return undefined;
  };

  const { host: rawHost, port: rawPort } = parsed.data;
  const host = (rawHost === undefined ? undefined : expand('host', rawHost)) ?? DEFAULT_LISTEN.host;
  if (host === '') issue('host', 'is empty after substituting variables', 'set the variable to an address');
  let port: number = DEFAULT_LISTEN.port;
  if (typeof rawPort === 'number') port = rawPort;
  else if (rawPort !== undefined) {
    const text = expand('port', rawPort);
    if (text !== undefined && /^\d{1,5}$/.test(text) && Number(text) <= 65535) port = Number(text);
    else if (text !== undefined) {
      const after = hasVariables(rawPort) ? ' after substituting variables' : '';
      issue('port', `is not a port number${after}`, 'use a whole number from 0 to 65535, e.g. 7420');
    }
  }
  const allowedHosts = (parsed.data.allowedHosts ?? []).flatMap(
    (name, index) => expand(`allowedHosts.${index}`, name) ?? [],
  );
  return { host, port, allowedHosts };
}
