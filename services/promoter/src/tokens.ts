export const PROMOTER_CONFIG = Symbol('PromoterConfig');
export const PROMOTER_POLICY = Symbol('PromoterPolicy');
