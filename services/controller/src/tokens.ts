export const CONTROLLER_CONFIG = Symbol('ControllerConfig');
export const RETRAIN_POLICY = Symbol('RetrainPolicy');
