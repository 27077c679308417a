/**
 * Preload for `bench/alloc-profile.ts`: `node --import 'file:///…/alloc-sampler.ts?out=FILE&after=MS&for=MS'`.
 * Samples every allocation of this process, those the GC has already collected included (the inspector's
 * sampling heap profiler; `--heap-prof` keeps only what is still alive), from `after` ms after start for
 * `for` ms, and writes the profile to `out`. Settings ride on the URL because a stdio client gives the
 * process it spawns only a few environment variables.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

const settings = new URL(import.meta.url).searchParams;
const out = settings.get('out');
if (out) {
  const session = new Session();
  session.connect();
  setTimeout(
    async () => {
      await session.post('HeapProfiler.enable');
      await session.post('HeapProfiler.startSampling', {
        samplingInterval: 1024,
        includeObjectsCollectedByMajorGC: true,
        includeObjectsCollectedByMinorGC: true,
      });
      setTimeout(
        async () => {
          const { profile } = await session.post('HeapProfiler.stopSampling');
          writeFileSync(out, JSON.stringify(profile));
        },
        Number(settings.get('for') ?? 4_000),
      );
    },
    Number(settings.get('after') ?? 3_000),
  ).unref();
}
