/**
 * Micro-benchmark of stdio framing: the SDK's `ReadBuffer` (zod-validated, concatenating) against the hub's
 * `JsonLineReader`, on echo-sized responses and on one 5 MB response arriving in 64 KiB chunks.
 *   node bench/micro-lines.ts        prints `RESULT {...}` (µs per small message, ms per 5 MB message)
 */
import { ReadBuffer } from '@modelcontextprotocol/client';
import { JsonLineReader } from '../src/protocol/json-lines.ts';

const text = 'The quick brown fox jumps over a lazy do';
const small = `${JSON.stringify({ result: { content: [{ type: 'text', text }], structuredContent: { text } }, jsonrpc: '2.0', id: 12345 })}\n`;
const burst = Buffer.from(small.repeat(16));
const big = Buffer.from(
  `${JSON.stringify({ result: { content: [{ type: 'text', text: 'x'.repeat(5_000_000) }] }, jsonrpc: '2.0', id: 1 })}\n`,
);
const pieces: Buffer[] = [];
for (let i = 0; i < big.length; i += 65_536) pieces.push(big.subarray(i, i + 65_536));

function sdk(chunks: Buffer[]): number {
  const buffer = new ReadBuffer();
  let count = 0;
  for (const chunk of chunks) {
    buffer.append(chunk);
    while (buffer.readMessage()) count++;
  }
  return count;
}

function ours(chunks: Buffer[]): number {
  const reader = new JsonLineReader();
  let count = 0;
  for (const chunk of chunks)
    reader.push(chunk, {
      message: () => count++,
      bad: () => {},
    });
  return count;
}

function best(fn: () => number, reps: number): { ms: number; count: number } {
  let ms = Number.POSITIVE_INFINITY;
  let count = 0;
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    count = fn();
    ms = Math.min(ms, performance.now() - t0);
  }
  return { ms, count };
}

const bursts = Array.from({ length: 5_000 }, () => burst);
const round = (value: number) => Math.round(value * 100) / 100;
const result = {
  smallUsPerMessage: {
    sdkReadBuffer: round((best(() => sdk(bursts), 5).ms * 1000) / (bursts.length * 16)),
    jsonLineReader: round((best(() => ours(bursts), 5).ms * 1000) / (bursts.length * 16)),
  },
  bigMsPerMessage: {
    sdkReadBuffer: round(best(() => sdk(pieces), 3).ms),
    jsonLineReader: round(best(() => ours(pieces), 3).ms),
  },
};
process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
