export const PROMOTER_CONFIG = Symbol('PromoterConfig');
