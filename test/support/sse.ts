/** The JSON-RPC messages in the text of an event stream, in order (complete events only). */
export function sseMessages(text: string): Record<string, unknown>[] {
  const complete = text.slice(0, text.lastIndexOf('\n\n') + 1);
  return complete
    .split('\n\n')
    .map((event) =>
      event
        .split('\n')
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).trim())
        .join('\n'),
    )
    .filter((data) => data !== '')
    .map((data) => JSON.parse(data) as Record<string, unknown>);
}

/** Reads an event stream until a message satisfies `wanted`, and gives it; the stream stays open. */
export async function readUntil(
  body: ReadableStream<Uint8Array>,
  wanted: (message: Record<string, unknown>) => boolean,
): Promise<Record<string, unknown>> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`stream ended before the message wanted; got: ${text}`);
    text += decoder.decode(value, { stream: true });
    const found = sseMessages(text).find(wanted);
    if (found) return found;
  }
}
