import { type Contract, ControllerModelStateContract } from '@continuum/events';
import { type ModelState } from '../engine/model-state';

/**
 * The controller's checkpoint of one model: the contract of ct.controller-state
 * (`libs/events/schemas/controller-state.avsc`, compacted, key: modelId). The engine's ModelState is
 * the generated ControllerModelState with `Signal.reason` narrowed to a RetrainReason: the schema
 * keeps a string so that a checkpoint never blocks a new reason.
 */
export const ModelStateContract = ControllerModelStateContract as Contract<unknown> as Contract<ModelState>;
