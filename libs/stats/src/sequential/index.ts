export { RunningMoments, type RunningMomentsState } from './running-moments';
export {
  AsymptoticConfidenceSequence,
  confidenceSequenceHalfWidth,
  optimalRho,
  type ConfidenceInterval,
  type ConfidenceSequenceOptions,
} from './asymptotic-confidence-sequence';
export {
  MixtureSprt,
  msprtLogLikelihoodRatio,
  type MixtureSprtOptions,
  type MixtureSprtState,
} from './mixture-sprt';
export {
  DiscordantPairsTest,
  discordantBoundary,
  type DiscordantPairsOptions,
  type DiscordantPairsState,
  type DiscordantVerdict,
} from './discordant-pairs';
export {
  SequentialGate,
  validateGateOptions,
  type GateEvidence,
  type GateMethod,
  type GateMode,
  type GateOptions,
  type GateState,
  type GateVerdict,
} from './sequential-gate';
export {
  seededUniform,
  pairedAccuracyLosses,
  simulateGate,
  simulatePeekedTTest,
  type PairedAccuracyScenario,
  type PeekedTestOptions,
  type ReplicationSummary,
} from './simulation';
