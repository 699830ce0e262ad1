import { type ControllerPolicy, type ModelPolicy } from './policy';

/** What the controller reads of a model registered in the registry (ct.model-versions). */
export interface RegisteredModelRef {
  readonly modelId: string;
  readonly policyRef: string | null;
}

/**
 * Policies of models registered without an entry of their own in the policy file: a registered
 * model whose `policyRef` names an entry of the file follows that entry (with its own model id and
 * `policy:<modelId>` as requestedBy), so a model can be added through the registry's API or
 * `continuum register` without editing the file. A model the file lists keeps its own entry;
 * a `policyRef` naming no entry (a URI, a typo) gives nothing, and is returned in `unresolved`.
 * Pure: the caller adds the returned policies to the ones it runs.
 */
export function policiesOfRegisteredModels(
  file: ControllerPolicy,
  running: ReadonlyMap<string, ModelPolicy>,
  registered: Iterable<RegisteredModelRef>,
): { adopted: ModelPolicy[]; unresolved: RegisteredModelRef[] } {
  const adopted: ModelPolicy[] = [];
  const unresolved: RegisteredModelRef[] = [];
  for (const model of registered) {
    if (model.policyRef === null || running.has(model.modelId)) continue;
    const template = file.models.get(model.policyRef);
    if (!template) {
      unresolved.push(model);
      continue;
    }
    adopted.push({ ...structuredClone(template), modelId: model.modelId, name: `policy:${model.modelId}` });
  }
  return { adopted, unresolved };
}
