/**
 * The security service of the pipeline example: an audit log (sequence numbers count up per process),
 * an artifact scanner, and the deploy policy that reads the scanner's verdict.
 */
import * as z from 'zod';
import { ok, serve } from '../../_shared/tools.ts';

const audit: { seq: number; action: string; subject: string }[] = [];
const verdict = z.enum(['clean', 'flagged']);

await serve({
  name: 'security',
  setup(server) {
    server.registerTool(
      'audit_log',
      {
        description: 'Append an entry to the audit log',
        inputSchema: z.object({ action: z.string(), subject: z.string() }),
        outputSchema: z.object({ seq: z.number().int(), action: z.string() }),
      },
      ({ action, subject }) => {
        const entry = { seq: audit.length + 1, action, subject };
        audit.push(entry);
        return ok({ seq: entry.seq, action });
      },
    );
    server.registerTool(
      'list_audit',
      {
        description: 'The audit log, oldest first',
        outputSchema: z.object({
          entries: z.array(z.object({ seq: z.number().int(), action: z.string(), subject: z.string() })),
        }),
        annotations: { readOnlyHint: true },
      },
      () => ok({ entries: audit }),
    );
    server.registerTool(
      'scan_artifact',
      {
        description: 'Scan a stored artifact for secrets and malware (flags URIs under /quarantine/)',
        inputSchema: z.object({ uri: z.string() }),
        outputSchema: z.object({ uri: z.string(), verdict, findings: z.array(z.string()) }),
        annotations: { readOnlyHint: true },
      },
      ({ uri }) => {
        const findings = uri.includes('/quarantine/') ? ['artifact is in quarantine'] : [];
        return ok({ uri, verdict: findings.length > 0 ? 'flagged' : 'clean', findings });
      },
    );
    server.registerTool(
      'check_policy',
      {
        description: 'Whether an artifact with this scan verdict may be deployed to an environment',
        inputSchema: z.object({ environment: z.string(), verdict }),
        outputSchema: z.object({ allowed: z.boolean(), reason: z.string() }),
        annotations: { readOnlyHint: true },
      },
      ({ environment, verdict }) =>
        ok(
          verdict === 'clean'
            ? { allowed: true, reason: `clean artifacts may go to ${environment}` }
            : { allowed: false, reason: 'flagged artifacts are never deployed' },
        ),
    );
  },
});
