export const REGISTRY_CONFIG = Symbol('RegistryConfig');
export const ARTIFACT_STORE = Symbol('ArtifactStore');
