import { TrainingModeValues, WindowKindValues, type WindowStrategy } from '@continuum/events';
import { type FieldReader, oneOfField as oneOf, windowStrategyField } from '@continuum/config';

// The generic readers live in libs/config (shared with the trainer's policy file).
export {
  INVALID,
  Problems,
  bool,
  finiteNumber,
  isMapping,
  mapping,
  onlyKnownKeys,
  textList,
  durationField as duration,
  integerField as integer,
  oneOfField as oneOf,
  textField as text,
  type FieldReader,
  type Mapping,
} from '@continuum/config';

export const trainingMode = oneOf(TrainingModeValues);

/**
 * Reads a WindowStrategy (the retrain-requests contract's shape). A duration may be given as
 * `durationMs` (milliseconds) or `duration` (e.g. `30d`); fields another kind uses are errors.
 */
export const windowStrategy: FieldReader<WindowStrategy> = windowStrategyField({
  kinds: WindowKindValues,
  fields: {
    FIXED_COUNT: { required: ['count'], optional: [] },
    FIXED_DURATION: { required: ['durationMs'], optional: [] },
    DYNAMIC: { required: ['candidateCounts', 'holdoutCount'], optional: [] },
    REPRESENTATIVE: { required: [], optional: ['count'] },
  },
});
