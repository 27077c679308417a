/** Search over the code base (a fixed corpus of files). */
import { serveSearch } from './_search.ts';

await serveSearch('code', 'Search the code base', 'https://git.example.test/blob/main', [
  {
    id: 'src/http/client.ts',
    title: 'HTTP client',
    text: 'fetch with an AbortSignal timeout; retries idempotent requests with backoff.',
  },
  {
    id: 'src/auth/refresh.ts',
    title: 'Token refresh',
    text: 'Refreshes the auth token one minute before it expires.',
  },
  {
    id: 'src/export/job.ts',
    title: 'Export job',
    text: 'Streams rows to storage; the job timeout comes from EXPORT_TIMEOUT_MS.',
  },
  {
    id: 'src/limits/bucket.ts',
    title: 'Token bucket rate limits',
    text: 'Per-client token bucket; refuses calls over the limit.',
  },
]);
