import type { EventStore, JSONRPCMessage } from '@modelcontextprotocol/server';

/** Events kept per stream: enough to replay a dropped call's progress and result. */
const MAX_EVENTS_PER_STREAM = 500;
/** Streams kept per store (one store per 2025-era session); the oldest is forgotten first. */
const MAX_STREAMS = 200;

/**
 * A bounded in-memory event store for 2025-era Streamable HTTP sessions, so a client whose SSE stream
 * broke can reconnect with `Last-Event-ID` and get what it missed (resumability). Event ids are
 * `<stream>:<seq>`, so the stream is known from the id alone. The SDK ships the interface, not a store.
 */
export function memoryEventStore(): EventStore {
  const streams = new Map<string, { id: string; message: JSONRPCMessage }[]>();
  let seq = 0;
  const streamOf = (eventId: string): string => eventId.slice(0, eventId.lastIndexOf(':'));
  return {
    async storeEvent(streamId, message) {
      const id = `${streamId}:${++seq}`;
      let list = streams.get(streamId);
      if (!list) {
        list = [];
        streams.set(streamId, list);
        if (streams.size > MAX_STREAMS) streams.delete(streams.keys().next().value ?? '');
      }
      list.push({ id, message });
      if (list.length > MAX_EVENTS_PER_STREAM) list.shift();
      return id;
    },
    async getStreamIdForEventId(eventId) {
      const streamId = streamOf(eventId);
      return streams.has(streamId) ? streamId : undefined;
    },
    async replayEventsAfter(lastEventId, { send }) {
      const streamId = streamOf(lastEventId);
      const list = streams.get(streamId) ?? [];
      const from = list.findIndex((event) => event.id === lastEventId);
      if (from < 0) return streamId; // unknown or evicted: nothing safe to replay
      for (const event of list.slice(from + 1)) await send(event.id, event.message);
      return streamId;
    },
  };
}
