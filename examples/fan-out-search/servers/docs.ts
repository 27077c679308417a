/** Search over the product documentation (a fixed corpus). */
import { serveSearch } from './_search.ts';

await serveSearch('docs', 'Search the product documentation', 'https://docs.example.test', [
  {
    id: 'config-timeouts',
    title: 'Configuring timeouts',
    text: 'Set callMs and startupMs per server. A call that exceeds its timeout fails with UPSTREAM_TIMEOUT.',
  },
  {
    id: 'retries',
    title: 'Retries and backoff',
    text: 'Safe calls are retried with exponential backoff and jitter after a timeout or a lost connection.',
  },
  {
    id: 'auth-tokens',
    title: 'Authentication tokens',
    text: 'Put tokens in environment variables and reference them as $VAR in headers.',
  },
  {
    id: 'rate-limits',
    title: 'Rate limits',
    text: 'perClientPerMinute limits each client; calls over the limit are refused, not queued.',
  },
]);
