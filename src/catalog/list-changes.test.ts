import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { EMPTY_LISTS, type ListKind } from '../upstream/lists.ts';
import { buildCatalog, type Catalog } from './catalog.ts';
import { ListChanges } from './list-changes.ts';

/** A catalog of one server `s` with the given tools (fresh objects each time, as a rebuild makes). */
function catalogOf(...names: string[]): Catalog {
  const tools = names.map((name) => ({ name, inputSchema: { type: 'object' as const } }));
  return buildCatalog([{ name: 's', prefix: false, lists: { ...EMPTY_LISTS, tools } }]);
}

/** A ListChanges over a catalog the test swaps, and what it announced. */
function watched(initial: Catalog) {
  let current = initial;
  const announced: ListKind[][] = [];
  const changes = new ListChanges(
    () => current,
    (kinds) => void announced.push(kinds),
  );
  changes.baseline(initial);
  return {
    changes,
    announced,
    set(next: Catalog) {
      current = next;
    },
  };
}

describe('ListChanges', () => {
  it('announces nothing when a rebuild serves the same lists', async () => {
    const w = watched(catalogOf('a', 'b'));
    w.set(catalogOf('a', 'b'));
    w.changes.noted(['tools', 'prompts', 'resources']);
    await sleep(60);
    assert.deepEqual(w.announced, []);
  });

  it('announces once per burst, only the kinds that changed', async () => {
    const w = watched(catalogOf('a'));
    w.set(catalogOf('a', 'b'));
    w.changes.noted(['tools']);
    w.changes.noted(['tools', 'prompts']);
    await sleep(60);
    assert.deepEqual(w.announced, [['tools']]);
    w.changes.noted(['tools']); // measured against what was announced: b is known now
    await sleep(60);
    assert.deepEqual(w.announced, [['tools']]);
  });

  it('announces a change and its undoing within one burst as nothing', async () => {
    const w = watched(catalogOf('a'));
    w.set(catalogOf());
    w.changes.noted(['tools']);
    w.set(catalogOf('a'));
    w.changes.noted(['tools']);
    await sleep(60);
    assert.deepEqual(w.announced, []);
  });

  it('`always` announces an unchanged list (new discovery rules), and stop() drops what is pending', async () => {
    const w = watched(catalogOf('a'));
    w.changes.noted(['tools'], 'always');
    await sleep(60);
    assert.deepEqual(w.announced, [['tools']]);
    w.set(catalogOf('b'));
    w.changes.noted(['tools']);
    w.changes.stop();
    await sleep(60);
    assert.deepEqual(w.announced, [['tools']]);
  });
});
