export const TRAINER_CONFIG = Symbol('TrainerConfig');
export const TRAINER_POLICY = Symbol('TrainerPolicy');
export const ARTIFACT_STORE = Symbol('ArtifactStore');
export const TRAINER_REGISTRY = Symbol('TrainerRegistry');
