export const SCORER_CONFIG = Symbol('ScorerConfig');
export const ARTIFACT_STORE = Symbol('ArtifactStore');
