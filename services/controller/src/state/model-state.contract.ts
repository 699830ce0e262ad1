import { defineContract } from '@continuum/events';
import { type ModelState } from '../engine/model-state';

const timestamp = { type: 'long', logicalType: 'timestamp-millis' };

const evidence = {
  type: 'record',
  name: 'EvidenceState',
  fields: [
    { name: 'kind', type: 'string' },
    { name: 'reference', type: 'string' },
    { name: 'summary', type: 'string' },
    { name: 'values', type: { type: 'map', values: 'double' }, default: {} },
  ],
};

/**
 * The controller's checkpoint of one model (ModelState), private to the controller. Topic
 * `ct.controller-state` (CT_TOPIC_CONTROLLER_STATE), compacted, key: modelId. Avro like every
 * Continuum topic; new fields need defaults (BACKWARD).
 */
export const ModelStateContract = defineContract<ModelState>('controller-state (services/controller)', {
  type: 'record',
  name: 'ControllerModelState',
  namespace: 'continuum.controller',
  doc: "The retrain controller's trigger state of one model. Topic ct.controller-state (compacted), key: modelId.",
  fields: [
    { name: 'modelId', type: 'string' },
    { name: 'updatedAt', type: timestamp },
    { name: 'latestVersion', type: ['null', 'string'], default: null },
    { name: 'scheduleCron', type: ['null', 'string'], default: null },
    { name: 'lastScheduledSlot', type: ['null', timestamp], default: null },
    {
      name: 'performance',
      type: {
        type: 'array',
        items: {
          type: 'record',
          name: 'PerformanceTriggerState',
          fields: [
            { name: 'modelVersion', type: 'string' },
            { name: 'lastWindowEnd', type: 'long' },
            { name: 'seenAt', type: timestamp },
            { name: 'consecutiveBreaches', type: 'int' },
            { name: 'breachEvidence', type: { type: 'array', items: evidence } },
            { name: 'armed', type: 'boolean' },
            { name: 'cleanWindows', type: 'int' },
            { name: 'conceptArmed', type: 'boolean' },
            { name: 'conceptCleanReports', type: 'int' },
          ],
        },
      },
      default: [],
    },
    {
      name: 'drift',
      type: {
        type: 'array',
        items: {
          type: 'record',
          name: 'DataDriftTriggerState',
          fields: [
            { name: 'modelVersion', type: 'string' },
            { name: 'segment', type: 'string' },
            { name: 'lastWindowEnd', type: 'long' },
            { name: 'seenAt', type: timestamp },
            { name: 'armed', type: 'boolean' },
            { name: 'cleanReports', type: 'int' },
          ],
        },
      },
      default: [],
    },
    {
      name: 'pending',
      type: [
        'null',
        {
          type: 'record',
          name: 'PendingRequest',
          fields: [
            { name: 'requestId', type: 'string' },
            { name: 'openedAt', type: timestamp },
            { name: 'deadline', type: timestamp },
            {
              name: 'signals',
              type: {
                type: 'array',
                items: {
                  type: 'record',
                  name: 'Signal',
                  fields: [
                    {
                      name: 'reason',
                      type: 'string',
                      doc: 'A RetrainReason symbol (string here so the checkpoint never blocks a new reason).',
                    },
                    { name: 'modelVersion', type: ['null', 'string'], default: null },
                    { name: 'raisedAt', type: timestamp },
                    { name: 'key', type: 'string' },
                    { name: 'evidence', type: { type: 'array', items: 'EvidenceState' } },
                  ],
                },
              },
            },
          ],
        },
      ],
      default: null,
    },
  ],
});
