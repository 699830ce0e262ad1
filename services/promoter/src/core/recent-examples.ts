import { type LabelledExample } from '@continuum/events';

/** The latest `capacity` ct.examples records per model (one record per event): the infrastructure check's sample. */
export class RecentExamples {
  private readonly byModel = new Map<string, Map<string, LabelledExample>>();

  constructor(private readonly capacity: number) {}

  add(example: LabelledExample): void {
    let m = this.byModel.get(example.modelId);
    if (!m) this.byModel.set(example.modelId, (m = new Map()));
    m.delete(example.eventId);
    m.set(example.eventId, example);
    if (m.size > this.capacity) m.delete(m.keys().next().value as string);
  }

  sample(modelId: string): LabelledExample[] {
    return [...(this.byModel.get(modelId)?.values() ?? [])];
  }
}
