import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type WriteOp } from './key-value-store';
import { LevelStore } from './level-store';

describe('LevelStore', () => {
  let dir: string;
  let store: LevelStore;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'level-store-'));
    store = await LevelStore.open(dir);
  });

  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('applies a write of puts and deletes in order, and keeps it across a reopen', async () => {
    await store.write([
      { type: 'put', key: 'a', value: '1' },
      { type: 'put', key: 'b', value: '2' },
      { type: 'put', key: 'c', value: '3' },
    ]);
    await store.write([
      { type: 'del', key: 'b' },
      { type: 'put', key: 'a', value: '10' },
      { type: 'put', key: 'd\u0000x', value: '4' },
      { type: 'del', key: 'd\u0000x' },
    ]);
    await store.close();
    store = await LevelStore.open(dir);
    expect(await store.getMany(['a', 'b', 'c', 'd\u0000x'])).toEqual(['10', undefined, '3', undefined]);
    const all: Array<[string, string]> = [];
    for await (const entry of store.range('', '\uffff')) all.push(entry);
    expect(all).toEqual([
      ['a', '10'],
      ['c', '3'],
    ]);
  });

  it('applies nothing of a write that has an invalid operation', async () => {
    await store.write([{ type: 'put', key: 'a', value: '1' }]);
    const bad = [
      { type: 'put', key: 'a', value: '2' },
      { type: 'put', key: null, value: '3' },
    ] as unknown as WriteOp[];
    await expect(store.write(bad)).rejects.toThrow();
    expect(await store.getMany(['a'])).toEqual(['1']);
    // The store still takes writes afterwards.
    await store.write([{ type: 'put', key: 'b', value: '4' }]);
    expect(await store.getMany(['a', 'b'])).toEqual(['1', '4']);
  });
});
