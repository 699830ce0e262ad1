/**
 * The TensorFlow.js parts of @continuum/learning, on their own entry point: importing this file
 * loads TensorFlow.js. The main entry point (index.ts) never does; models reach these engines
 * through `engine: 'tfjs' | 'auto'` (createEngine loads them on first use).
 */
export * from './backend/tfjs-backend';
export { TfjsNetwork } from './network/tfjs-network';
export { HybridNetwork } from './network/hybrid-network';
export { toLayersModel } from './models/layers-export';
