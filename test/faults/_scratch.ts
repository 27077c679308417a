import { createServer } from 'node:net';
import { createTestHub } from '../../src/testing/test-hub.ts';
import { stdioFixture } from '../fixtures/spawn.ts';
const srv = createServer(); await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
const port = (srv.address() as { port: number }).port; await new Promise((r) => srv.close(r));
const t0 = Date.now();
const th = await createTestHub([
  { name: 'remote', url: `http://127.0.0.1:${port}/mcp` },
  { name: 'echo', ...stdioFixture('echo') },
  { name: 'loop', ...stdioFixture('crash', ['--crash-on-start']) },
], { http: true });
console.log('started', Date.now() - t0);
th.hub.on('server', (s) => console.log(Date.now() - t0, s.name, s.state, s.restarts, s.lastError));
console.log(th.hub.servers());
await new Promise((r) => setTimeout(r, 4000));
console.log(th.hub.servers());
await th.close();
