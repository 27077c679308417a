import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JSONRPCMessage } from '@modelcontextprotocol/server';
import { memoryEventStore } from './event-store.ts';

const note = (n: number): JSONRPCMessage => ({
  jsonrpc: '2.0',
  method: 'notifications/progress',
  params: { n },
});

describe('memoryEventStore', () => {
  it('replays what followed the last event a client saw, on that stream only', async () => {
    const store = memoryEventStore();
    const first = await store.storeEvent('a', note(1));
    await store.storeEvent('b', note(99));
    await store.storeEvent('a', note(2));
    await store.storeEvent('a', note(3));
    const replayed: unknown[] = [];
    const stream = await store.replayEventsAfter(first, {
      send: async (_id, message) => {
        replayed.push((message as unknown as { params: { n: number } }).params.n);
      },
    });
    assert.equal(stream, 'a');
    assert.deepEqual(replayed, [2, 3]);
    assert.equal(await store.getStreamIdForEventId?.(first), 'a');
  });

  it('stays bounded: old streams are forgotten and replay nothing', async () => {
    const store = memoryEventStore();
    const oldest = await store.storeEvent('stream-0', note(0));
    for (let i = 1; i <= 250; i += 1) await store.storeEvent(`stream-${i}`, note(i));
    assert.equal(await store.getStreamIdForEventId?.(oldest), undefined);
    const replayed: unknown[] = [];
    await store.replayEventsAfter(oldest, { send: async (_id, message) => void replayed.push(message) });
    assert.deepEqual(replayed, []);
  });
});
