import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArtifactCorruptError, LogisticRegression, encodeModelArtifact } from '@continuum/learning';
import { loadModelArtifact, saveModelArtifact } from './model-directory';

const FEATURES = {
  features: [
    { name: 'a', type: 'numeric' as const },
    { name: 'b', type: 'numeric' as const },
  ],
};

function trained(): LogisticRegression {
  const model = new LogisticRegression({ features: FEATURES, classes: ['n', 'y'] });
  const rows = Array.from({ length: 64 }, (_, i) => {
    const a = Math.sin(i) * 2;
    const b = Math.cos(i * 1.7);
    return { numeric: { a, b }, label: a + b > 0 ? 'y' : 'n' };
  });
  model.partialFit(rows);
  return model;
}

describe('model artifact as a directory', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'continuum-model-dir-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('round-trips to the same model and metadata as the single-file encoding', async () => {
    const model = trained();
    const metadata = { modelId: 'churn', version: '7', strategy: 'FULL' as const };
    await saveModelArtifact(join(dir, 'v7'), model, metadata);
    const loaded = await loadModelArtifact(join(dir, 'v7'));
    const probe = [{ numeric: { a: 0.3, b: -1.2 } }, { numeric: { a: -2, b: 0.5 } }];
    expect(loaded.metadata).toEqual(metadata);
    expect(loaded.model.predictRaw(probe)).toEqual(model.predictRaw(probe));
    // The directory holds exactly what the single-file encoding carries.
    expect(encodeModelArtifact(loaded.model, loaded.metadata)).toEqual(encodeModelArtifact(model, metadata));
  });

  it('refuses a truncated weights file and names a missing manifest', async () => {
    const path = join(dir, 'broken');
    await saveModelArtifact(path, trained());
    await writeFile(join(path, 'weights.bin'), (await readFile(join(path, 'weights.bin'))).subarray(4));
    await expect(loadModelArtifact(path)).rejects.toThrow(ArtifactCorruptError);
    await expect(loadModelArtifact(join(dir, 'nowhere'))).rejects.toThrow(/manifest\.json/);
  });
});
