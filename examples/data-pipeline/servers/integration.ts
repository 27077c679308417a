/** The deployment platform of the pipeline example: deployments and webhooks, kept in memory. */
import * as z from 'zod';
import { fail, ok, serve } from '../../_shared/tools.ts';

const deployments = new Map<
  string,
  { artifact: string; environment: string; state: 'live' | 'rolled-back' }
>();
let webhooks = 0;
const deployment = z.object({
  deploymentId: z.string(),
  environment: z.string(),
  state: z.enum(['live', 'rolled-back']),
  url: z.string(),
});
const urlOf = (id: string, environment: string) => `https://${environment}.reports.example.test/${id}`;

await serve({
  name: 'integration',
  setup(server) {
    server.registerTool(
      'deploy',
      {
        description: 'Publish an artifact to an environment',
        inputSchema: z.object({ artifact: z.string(), environment: z.enum(['staging', 'production']) }),
        outputSchema: deployment,
      },
      ({ artifact, environment }) => {
        const deploymentId = `dep-${deployments.size + 1}`;
        deployments.set(deploymentId, { artifact, environment, state: 'live' });
        return ok({ deploymentId, environment, state: 'live', url: urlOf(deploymentId, environment) });
      },
    );
    server.registerTool(
      'rollback',
      {
        description: 'Take a deployment down again',
        inputSchema: z.object({ deploymentId: z.string() }),
        outputSchema: deployment,
        annotations: { idempotentHint: true },
      },
      ({ deploymentId }) => {
        const found = deployments.get(deploymentId);
        if (!found) return fail(`integration: no deployment ${deploymentId}`);
        found.state = 'rolled-back';
        return ok({ deploymentId, ...found, url: urlOf(deploymentId, found.environment) });
      },
    );
    server.registerTool(
      'deployment_status',
      {
        description: 'The state of a deployment',
        inputSchema: z.object({ deploymentId: z.string() }),
        outputSchema: deployment,
        annotations: { readOnlyHint: true },
      },
      ({ deploymentId }) => {
        const found = deployments.get(deploymentId);
        if (!found) return fail(`integration: no deployment ${deploymentId}`);
        return ok({
          deploymentId,
          environment: found.environment,
          state: found.state,
          url: urlOf(deploymentId, found.environment),
        });
      },
    );
    server.registerTool(
      'trigger_webhook',
      {
        description: 'Send an event to the configured outgoing webhook',
        inputSchema: z.object({ event: z.string(), payload: z.record(z.string(), z.unknown()).optional() }),
        outputSchema: z.object({ deliveryId: z.string(), event: z.string() }),
      },
      ({ event }) => ok({ deliveryId: `wh-${++webhooks}`, event }),
    );
  },
});
