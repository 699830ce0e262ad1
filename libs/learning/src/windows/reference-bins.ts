import { ReferenceProfile, type ReferenceProfileJSON } from '@continuum/drift';
import type { FeatureBins, ProductionProfile } from './representative-subsample';

/** True for libs/drift's reference-profile JSON (the format the registry carries). */
export function isReferenceProfileJSON(profile: unknown): profile is ReferenceProfileJSON {
  return (profile as { format?: unknown } | null)?.format === 'continuum.drift/reference-profile';
}

/**
 * The per-feature bins of a libs/drift reference profile — the one profile format — as the shares
 * the representative subsample matches: numeric bin counts, categories, the "other" bucket and
 * missing values, each over the profile's rows. The prediction feature is left out (it is not a
 * model input). The JSON is validated by libs/drift first (InvalidProfileError naming the field).
 */
export function productionProfileFromReference(json: ReferenceProfileJSON): ProductionProfile {
  ReferenceProfile.fromJSON(json);
  const features: FeatureBins[] = [];
  for (const f of json.features) {
    if (f.role !== 'input') continue;
    const total = f.count + f.missing;
    if (!(total > 0)) continue;
    if (f.type === 'numeric') {
      if (f.edges.length === 0) continue;
      // 'distinct' binning has one edge per value (bin i = [v_i, v_{i+1}), the last the point v_B):
      // close the last bin with one more edge so that k bins have k + 1 edges.
      const edges =
        f.binning === 'distinct' ? [...f.edges, nextUp(f.edges[f.edges.length - 1])] : [...f.edges];
      features.push({
        feature: f.name,
        kind: 'numeric',
        edges,
        proportions: f.binCounts.map((c) => c / total),
        missing: f.missing / total,
      });
    } else {
      features.push({
        feature: f.name,
        kind: 'categorical',
        categories: [...f.categories],
        proportions: f.categoryCounts.map((c) => c / total),
        other: f.otherCount / total,
        missing: f.missing / total,
      });
    }
  }
  return { features };
}

/** A number just above x (the last edge of a point bin). */
function nextUp(x: number): number {
  return x + Math.max(Math.abs(x) * Number.EPSILON * 4, Number.MIN_VALUE);
}
