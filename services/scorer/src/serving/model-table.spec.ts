import { ModelTable } from './model-table';
import { served } from './test-models';

describe('ModelTable', () => {
  it('swaps champions in one step and disposes the old one only after its last request', () => {
    const table = new ModelTable();
    const v1 = served('m', '1');
    const v2 = served('m', '2');
    table.setChampion('m', v1);
    const inFlight = table.champion('m')!.acquire();
    table.setChampion('m', v2);
    expect(table.champion('m')).toBe(v2);
    // The request that started on v1 still predicts with it.
    expect(v1.isDisposed).toBe(false);
    expect(inFlight.model.predict([{ numeric: { x1: 1, x2: 0 } }])).toHaveLength(1);
    inFlight.release();
    expect(v1.isDisposed).toBe(true);
    expect(v2.isDisposed).toBe(false);
  });

  it('promotes a shadow without reloading and keeps a demoted champion that is still a shadow', () => {
    const table = new ModelTable();
    const v1 = served('m', '1');
    const v2 = served('m', '2');
    table.setChampion('m', v1);
    table.addShadow('m', v2);
    expect(table.find('m', '2')).toBe(v2);
    table.setChampion('m', v2);
    expect(table.shadows('m')).toEqual([]);
    expect(v1.isDisposed).toBe(true);
    expect(table.describe('m')).toEqual([
      { version: '2', stage: 'CHAMPION', loadedAt: v2.loadedAt, inFlight: 0 },
    ]);
    table.removeShadow('m', '2');
    expect(v2.isDisposed).toBe(false);
    table.clear();
    expect(v2.isDisposed).toBe(true);
  });
});
