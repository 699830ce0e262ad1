import { ModelTable } from './model-table';
import { served } from './test-models';

describe('ModelTable', () => {
  it('swaps champions in one step, keeps the previous one warm, and disposes a version only after its last request', () => {
    const table = new ModelTable();
    const v1 = served('m', '1');
    const v2 = served('m', '2');
    const v3 = served('m', '3');
    table.setChampion('m', v1);
    const inFlight = table.champion('m')!.acquire();
    table.setChampion('m', v2);
    expect(table.champion('m')).toBe(v2);
    // v1 is the standby now: a rollback finds it loaded.
    expect(table.find('m', '1')).toBe(v1);
    expect(table.describe('m').map((v) => [v.version, v.stage, v.inFlight])).toEqual([
      ['2', 'CHAMPION', 0],
      ['1', 'STANDBY', 1],
    ]);
    table.setChampion('m', v3);
    // v2 replaces v1 as the standby; v1 is retired but the request that started on it still predicts.
    expect(table.find('m', '1')).toBeNull();
    expect(v1.isDisposed).toBe(false);
    expect(inFlight.model.predict([{ numeric: { x1: 1, x2: 0 } }])).toHaveLength(1);
    inFlight.release();
    expect(v1.isDisposed).toBe(true);
    expect(v2.isDisposed).toBe(false);
    // Rollback to the standby: one assignment, nothing reloaded or disposed.
    table.setChampion('m', v2);
    expect(table.describe('m').map((v) => [v.version, v.stage])).toEqual([
      ['2', 'CHAMPION'],
      ['3', 'STANDBY'],
    ]);
    expect([v2.isDisposed, v3.isDisposed]).toEqual([false, false]);
  });

  it('promotes a shadow without reloading; clear() disposes everything', () => {
    const table = new ModelTable();
    const v1 = served('m', '1');
    const v2 = served('m', '2');
    table.setChampion('m', v1);
    table.addShadow('m', v2);
    expect(table.find('m', '2')).toBe(v2);
    table.setChampion('m', v2);
    expect(table.shadows('m')).toEqual([]);
    expect(table.describe('m')).toEqual([
      { version: '2', stage: 'CHAMPION', loadedAt: v2.loadedAt, inFlight: 0 },
      { version: '1', stage: 'STANDBY', loadedAt: v1.loadedAt, inFlight: 0 },
    ]);
    table.removeShadow('m', '2');
    expect(v2.isDisposed).toBe(false);
    table.clear();
    expect([v1.isDisposed, v2.isDisposed]).toEqual([true, true]);
  });
});
