import { type PartitionRestore, ChangelogStore } from './changelog-store';
import { MemoryStore, type WriteOp } from './key-value-store';
import { keys } from './keys';
import { MemoryChangelog } from './memory-changelog';

const put = (key: string, value: string): WriteOp => ({ type: 'put', key, value });
const del = (key: string): WriteOp => ({ type: 'del', key });

/** The partition's join state as a map, without the local-only position. */
function stateOf(store: MemoryStore, p: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of store.entries) if (k !== keys.changelogPosition(p) && !k.startsWith('C')) out[k] = v;
  return out;
}

function instance(changelog: MemoryChangelog, local = new MemoryStore()) {
  const restores: PartitionRestore[] = [];
  const store = new ChangelogStore(local, changelog, { onRestore: (r) => restores.push(r) });
  return { local, store, restores };
}

describe('ChangelogStore', () => {
  it("a partition that moves to another instance arrives with its state; moving back replaces the first owner's stale copy", async () => {
    const changelog = new MemoryChangelog();
    const a = instance(changelog);
    await a.store.write([put(keys.meta(1), '{"next":1}'), put(keys.prediction(1, 'e1', 'm'), 'p1')]);
    await a.store.write([put(keys.meta(1), '{"next":2}'), put(keys.label(1, 'e2', 'm'), 'l2')]);
    await a.store.write([put('C\u0000meta', 'combiner')]);

    // Scale out: partition 1 moves to b, whose disk holds nothing.
    const b = instance(changelog);
    expect(await b.store.getMany([keys.meta(1)])).toEqual(['{"next":2}']);
    expect(stateOf(b.local, 1)).toEqual(stateOf(a.local, 1));
    expect(b.restores).toMatchObject([{ partition: 1, localPosition: 0n, records: 4, position: 4n }]);
    expect(b.local.entries.has('C\u0000meta')).toBe(false); // the combiner's keys are local only

    // b joins e1 and deletes the waiting prediction.
    await b.store.write([put(keys.meta(1), '{"next":3}'), del(keys.prediction(1, 'e1', 'm'))]);

    // Scale in: partition 1 comes back to a, whose copy stopped at position 4.
    a.store.assignmentChanged();
    expect(await a.store.getMany([keys.prediction(1, 'e1', 'm')])).toEqual([undefined]);
    expect(stateOf(a.local, 1)).toEqual(stateOf(b.local, 1));
    expect(a.restores).toMatchObject([{ partition: 1, localPosition: 4n, position: 6n }]);
    expect(a.local.entries.get('C\u0000meta')).toBe('combiner');
  });

  it('prepare() restores a partition before its first batch, heartbeating after every chunk', async () => {
    const changelog = new MemoryChangelog();
    const a = instance(changelog);
    const entries = Array.from({ length: 7 }, (_, i) => put(keys.label(4, `e${i}`, 'm'), 'l'));
    await a.store.write([put(keys.meta(4), '{}'), ...entries]);
    const b = instance(changelog);
    let beats = 0;
    await b.store.prepare(4, async () => void (beats += 1));
    expect(beats).toBe(3); // 8 records in chunks of 3
    expect(stateOf(b.local, 4)).toEqual(stateOf(a.local, 4));
    await b.store.prepare(4, async () => void (beats += 1));
    expect(beats).toBe(3); // checked once per assignment
  });

  it('restores nothing when the disk covers the changelog (a restart with the same partitions)', async () => {
    const changelog = new MemoryChangelog();
    const a = instance(changelog);
    await a.store.write([put(keys.meta(0), '{"next":5}')]);
    const restarted = instance(changelog, a.local.snapshot());
    expect(await restarted.store.getMany([keys.meta(0)])).toEqual(['{"next":5}']);
    expect(restarted.restores).toEqual([]);
  });

  it('a crash between the changelog append and the local write: the restart restores the write, offsets included, so its records are skipped, never applied twice', async () => {
    const changelog = new MemoryChangelog();
    const a = instance(changelog);
    await a.store.write([put(keys.meta(2), '{"next":10}'), put(keys.counts(2, 0, 'm', 'v'), '3')]);
    const disk = a.local.snapshot();
    const failing = Object.assign(disk, {
      write: async () => {
        throw new Error('killed before the local write');
      },
    });
    const crashing = instance(changelog, failing);
    await expect(
      crashing.store.write([put(keys.meta(2), '{"next":20}'), put(keys.counts(2, 0, 'm', 'v'), '7')]),
    ).rejects.toThrow('killed');

    const restarted = instance(changelog, a.local.snapshot());
    expect(await restarted.store.getMany([keys.meta(2), keys.counts(2, 0, 'm', 'v')])).toEqual([
      '{"next":20}',
      '7',
    ]);
    expect(restarted.restores).toHaveLength(1);
  });

  it('a write that never reached the changelog changes nothing anywhere (the batch is replayed)', async () => {
    const changelog = new MemoryChangelog();
    const a = instance(changelog);
    await a.store.write([put(keys.meta(0), '{"next":1}')]);
    changelog.append = async () => {
      throw new Error('broker down');
    };
    await expect(a.store.write([put(keys.meta(0), '{"next":2}')])).rejects.toThrow('broker down');
    expect(await a.store.getMany([keys.meta(0)])).toEqual(['{"next":1}']);
  });

  it("clearing a partition's range writes tombstones, so a restored copy does not resurrect it", async () => {
    const changelog = new MemoryChangelog();
    const a = instance(changelog);
    const pairs = Array.from({ length: 5 }, (_, i) => put(keys.pair(3, 0, 'm', i, `e${i}`, 'v'), 'x'));
    await a.store.write([put(keys.meta(3), '{}'), ...pairs]);
    const r = keys.windows('R', 3, 0, 3_600_000);
    await a.store.clearRange(r.gte, r.lt);
    expect(stateOf(a.local, 3)).toEqual({ [keys.meta(3)]: '{}' });
    const b = instance(changelog);
    await b.store.getMany([keys.meta(3)]);
    expect(stateOf(b.local, 3)).toEqual({ [keys.meta(3)]: '{}' });
    // The local position follows the tombstones: a restart does not restore again.
    const restarted = instance(changelog, a.local.snapshot());
    await restarted.store.getMany([keys.meta(3)]);
    expect(restarted.restores).toEqual([]);
  });
});

describe('ChangelogStore local index', () => {
  it('keeps the TTL index (X) on the local disk only and has a restore rebuild it from the restored entries', async () => {
    const changelog = new MemoryChangelog();
    const a = instance(changelog);
    const xKey = keys.expiry(5, 1000, 'L', 'e1', 'm');
    await a.store.write([put(keys.meta(5), '{}'), put(keys.label(5, 'e1', 'm'), '{"t":1}'), put(xKey, '1')]);
    expect(a.local.entries.get(xKey)).toBe('1');
    expect(changelog.partitions.get(5)?.map((e) => e.key)).toEqual([keys.meta(5), keys.label(5, 'e1', 'm')]);
    // A changelog written before X became local-only may hold X entries: restored as they are.
    const legacy = keys.expiry(5, 7, 'P', 'old', 'm');
    await changelog.append(5, [{ key: legacy, value: { value: '1' } }]);

    const seen: string[][] = [];
    const local = new MemoryStore();
    const b = new ChangelogStore(local, changelog, {
      rebuildLocalIndex: async (p, store, heartbeat) => {
        const found: string[] = [];
        for await (const [k] of store.range('\u0000', '\uffff')) found.push(k);
        seen.push(found);
        await store.write([put(keys.expiry(p, 1000, 'L', 'e1', 'm'), '1')]);
        await heartbeat();
      },
    });
    let beats = 0;
    await b.prepare(5, async () => void (beats += 1));
    expect(seen).toEqual([[keys.label(5, 'e1', 'm'), keys.meta(5), legacy]]);
    expect(stateOf(local, 5)).toEqual({ ...stateOf(a.local, 5), [legacy]: '1' });
    expect(beats).toBe(2); // one restored chunk of 3, then the rebuild's
  });
});
