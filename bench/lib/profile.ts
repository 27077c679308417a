/** Reads a V8 `.cpuprofile` (from `node --cpu-prof`) and sums self time per function and per area. */
import { readFileSync } from 'node:fs';
import type { ProfileEntry } from './types.ts';

interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
    children?: number[];
  }[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Which part of the stack a frame belongs to: our code, a package, Node core, V8, GC. */
export function areaOf(functionName: string, url: string, root: string): string {
  if (!url) {
    if (functionName === '(garbage collector)') return 'GC';
    if (functionName === '(idle)') return 'idle';
    if (functionName === '(program)') return 'V8 / native (program)';
    return 'V8 builtins';
  }
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + '/node_modules/'.length).split('/');
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] ?? 'node_modules');
  }
  if (url.startsWith('node:')) return 'node core';
  const path = url.replace(/^file:\/\//, '');
  if (path.startsWith(`${root}src/`)) return 'toolmesh src/';
  return path;
}

export interface Analysis {
  /** Profiled wall time, ms. */
  durationMs: number;
  /** Non-idle sampled time, ms. */
  busyMs: number;
  byArea: { area: string; selfMs: number; selfPct: number }[];
  top: ProfileEntry[];
}

export function analyzeProfile(file: string, root: string, topN = 25): Analysis {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i] as number;
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const fn = new Map<string, { us: number; function: string; location: string }>();
  const area = new Map<string, number>();
  let busy = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = areaOf(functionName, url, root);
    if (where === 'idle') continue;
    busy += us;
    area.set(where, (area.get(where) ?? 0) + us);
    const short = url
      .replace(/^file:\/\//, '')
      .replace(root, '')
      .replace(/^.*\/node_modules\//, '');
    const location = url ? `${short}:${lineNumber + 1}` : '(native)';
    const key = `${functionName}\0${location}`;
    const entry = fn.get(key) ?? { us: 0, function: functionName || '(anonymous)', location };
    entry.us += us;
    fn.set(key, entry);
  }
  const pct = (us: number) => Math.round((us / busy) * 1000) / 10;
  const ms = (us: number) => Math.round(us / 100) / 10;
  return {
    durationMs: ms(profile.endTime - profile.startTime),
    busyMs: ms(busy),
    byArea: [...area.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([name, us]) => ({ area: name, selfMs: ms(us), selfPct: pct(us) })),
    top: [...fn.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, topN)
      .map((entry) => ({
        selfMs: ms(entry.us),
        selfPct: pct(entry.us),
        function: entry.function,
        location: entry.location,
      })),
  };
}
