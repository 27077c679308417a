/** Search over the support tickets (a fixed corpus). */
import { serveSearch } from './_search.ts';

await serveSearch('tickets', 'Search support tickets', 'https://support.example.test/tickets', [
  {
    id: 'T-1041',
    title: 'Export job hits timeout after 30 s',
    text: 'Large exports fail with a timeout; customer asks for a longer limit.',
  },
  {
    id: 'T-1057',
    title: 'Login loop after token refresh',
    text: 'Users are sent back to the login page when the auth token expires.',
  },
  {
    id: 'T-1102',
    title: 'Webhook retries flood our endpoint',
    text: 'Each failed delivery is retried without backoff.',
  },
  {
    id: 'T-1120',
    title: 'Dashboard slow on Mondays',
    text: 'Weekly rollups make the dashboard slow; no timeout seen.',
  },
]);
