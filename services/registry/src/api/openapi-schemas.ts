import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { MODEL_STAGES, MODEL_TASKS, TRAINING_STRATEGIES } from '@continuum/registry';

/*
 * OpenAPI descriptions of the request and response bodies (for /openapi.json and /docs only: the
 * bodies are validated by request-validation.ts, and typed by @continuum/registry's api.ts).
 */

export class FeatureSpecSchema {
  @ApiProperty({ example: 'age' }) name!: string;
  @ApiProperty({ enum: ['NUMERIC', 'CATEGORICAL'] }) type!: string;
  @ApiPropertyOptional({ default: true }) required?: boolean;
  @ApiPropertyOptional({ nullable: true, type: Number }) min?: number | null;
  @ApiPropertyOptional({ nullable: true, type: Number }) max?: number | null;
  @ApiPropertyOptional({ type: [String] }) categories?: string[];
}

export class ContractSchema {
  @ApiProperty({ type: [FeatureSpecSchema] }) features!: FeatureSpecSchema[];
}

export class CreateModelSchema {
  @ApiProperty({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$', example: 'churn' }) modelId!: string;
  @ApiProperty({ enum: MODEL_TASKS }) task!: string;
  @ApiProperty({ type: ContractSchema }) contract!: ContractSchema;
  @ApiProperty({ example: 'team-growth' }) owner!: string;
  @ApiPropertyOptional({
    description: "The retrain policy the model follows (the controller's policy id or a URI).",
  })
  policyRef?: string;
}

export class ModelSchema {
  @ApiProperty() modelId!: string;
  @ApiProperty({ enum: MODEL_TASKS, nullable: true }) task!: string | null;
  @ApiProperty({ type: ContractSchema, nullable: true }) contract!: ContractSchema | null;
  @ApiProperty({ nullable: true, type: String }) owner!: string | null;
  @ApiProperty({ nullable: true, type: String }) policyRef!: string | null;
  @ApiProperty({ description: 'epoch ms' }) createdAt!: number;
  @ApiProperty() createdBy!: string;
  @ApiProperty({
    description: 'Events applied for the model: the expectedRevision of its next stage change.',
  })
  revision!: number;
  @ApiProperty({ nullable: true, type: String }) championVersion!: string | null;
  @ApiProperty() versionCount!: number;
}

export class OffsetRangeSchema {
  @ApiProperty({ example: 'ct.examples' }) topic!: string;
  @ApiProperty() partition!: number;
  @ApiProperty() fromOffset!: number;
  @ApiProperty({ description: 'exclusive' }) toOffset!: number;
}

export class LineageSchema {
  @ApiProperty({ type: [OffsetRangeSchema] }) examples!: OffsetRangeSchema[];
  @ApiPropertyOptional({ nullable: true, type: Number }) seed?: number | null;
  @ApiPropertyOptional({ nullable: true, type: String }) codeVersion?: string | null;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) hyperParameters?: Record<
    string,
    unknown
  >;
}

export class ArtifactRefSchema {
  @ApiProperty({ example: 'file:///var/continuum/artifacts/models/churn/3/artifact.bin' }) uri!: string;
  @ApiProperty({ pattern: '^[0-9a-f]{64}$' }) sha256!: string;
  @ApiProperty() size!: number;
}

export class TrainingWindowSchema {
  @ApiProperty() start!: number;
  @ApiProperty() end!: number;
  @ApiProperty() exampleCount!: number;
}

export class RegisterVersionSchema {
  @ApiPropertyOptional() parentVersion?: string;
  @ApiProperty({ enum: TRAINING_STRATEGIES }) strategy!: string;
  @ApiPropertyOptional({ type: LineageSchema }) lineage?: LineageSchema;
  @ApiPropertyOptional({ type: TrainingWindowSchema }) trainingWindow?: TrainingWindowSchema;
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'number' } }) metrics?: Record<
    string,
    number
  >;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description:
      'A libs/drift ReferenceProfile JSON; above REGISTRY_INLINE_LIMIT_BYTES it is kept in the artifact store.',
  })
  referenceProfile?: Record<string, unknown>;
  @ApiPropertyOptional({ type: ArtifactRefSchema }) artifact?: ArtifactRefSchema;
  @ApiPropertyOptional({ description: 'The same key again returns the version it registered (200).' })
  idempotencyKey?: string;
  @ApiPropertyOptional({
    enum: ['CANDIDATE', 'SHADOW', 'CHAMPION'],
    default: 'CANDIDATE',
    description: 'CHAMPION only for a model without one, or for an EXTERNAL version.',
  })
  stage?: string;
  @ApiPropertyOptional() actor?: string;
  @ApiPropertyOptional() reason?: string;
}

export class VersionSchema {
  @ApiProperty() modelId!: string;
  @ApiProperty() version!: string;
  @ApiProperty({ nullable: true, type: String }) parentVersion!: string | null;
  @ApiProperty({ enum: MODEL_STAGES }) stage!: string;
  @ApiProperty({ enum: TRAINING_STRATEGIES }) strategy!: string;
  @ApiProperty() registeredAt!: number;
  @ApiProperty() registeredBy!: string;
  @ApiProperty({ type: ContractSchema, nullable: true }) contract!: ContractSchema | null;
  @ApiProperty({ type: LineageSchema, nullable: true }) lineage!: LineageSchema | null;
  @ApiProperty({ type: TrainingWindowSchema, nullable: true }) trainingWindow!: TrainingWindowSchema | null;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' } }) metrics!: Record<string, number>;
  @ApiProperty({ type: ArtifactRefSchema, nullable: true }) metricsRef!: ArtifactRefSchema | null;
  @ApiProperty({ description: 'The profile itself: GET .../reference-profile.' })
  hasReferenceProfile!: boolean;
  @ApiProperty({ type: ArtifactRefSchema, nullable: true }) referenceProfileRef!: ArtifactRefSchema | null;
  @ApiProperty({ type: ArtifactRefSchema, nullable: true }) artifact!: ArtifactRefSchema | null;
  @ApiProperty({ nullable: true, type: String }) idempotencyKey!: string | null;
  @ApiProperty() updatedRevision!: number;
}

export class ChangeStageSchema {
  @ApiProperty({ enum: MODEL_STAGES }) stage!: string;
  @ApiPropertyOptional({
    description: "The model's revision the decision was made on; another current revision answers 409.",
  })
  expectedRevision?: number;
  @ApiProperty() reason!: string;
  @ApiProperty() actor!: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) evidence?: Record<string, unknown>;
}

export class StageChangeSchema {
  @ApiProperty({ type: VersionSchema }) version!: VersionSchema;
  @ApiProperty({ nullable: true, type: String }) archived!: string | null;
  @ApiProperty() revision!: number;
}

export class TransitionSchema {
  @ApiProperty({ enum: MODEL_STAGES, nullable: true }) from!: string | null;
  @ApiProperty({ enum: MODEL_STAGES }) to!: string;
  @ApiProperty() actor!: string;
  @ApiProperty() at!: number;
  @ApiProperty({ nullable: true, type: String }) reason!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true }) evidence!: unknown;
  @ApiProperty() eventId!: string;
  @ApiProperty() revision!: number;
}

export class HistorySchema {
  @ApiProperty() modelId!: string;
  @ApiProperty() version!: string;
  @ApiProperty({ type: [TransitionSchema] }) transitions!: TransitionSchema[];
}

export class LineageResponseSchema {
  @ApiProperty() modelId!: string;
  @ApiProperty() version!: string;
  @ApiProperty({ nullable: true, type: String }) parentVersion!: string | null;
  @ApiProperty({ enum: TRAINING_STRATEGIES }) strategy!: string;
  @ApiProperty({ type: LineageSchema, nullable: true }) lineage!: LineageSchema | null;
  @ApiProperty({ type: TrainingWindowSchema, nullable: true }) trainingWindow!: TrainingWindowSchema | null;
  @ApiProperty({ type: [String], description: 'Parent chain, nearest first.' }) ancestors!: string[];
}

export class ErrorSchema {
  @ApiProperty() statusCode!: number;
  @ApiProperty({ example: 'VALIDATION' }) error!: string;
  @ApiProperty() message!: string;
  @ApiPropertyOptional({ description: 'For 400: the request field at fault.' }) field?: string;
}

export class ProfileSampleSchema {
  @ApiProperty({
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    description:
      'Sample rows: column name to value (numbers, strings, null). Columns are typed by the model contract (by the data when it has none); columns outside the contract are left out.',
    example: [{ sqm: 52.5, rooms: 2, city: 'lyon', prediction: 241000 }],
  })
  rows!: Array<Record<string, unknown>>;
  @ApiPropertyOptional({
    description: "The model's output column (default: 'prediction' when rows have it).",
  })
  prediction?: string;
  @ApiPropertyOptional({
    description:
      "The true-label column (not a feature). With a numeric prediction column, the profile also carries the performance-estimation reference fitted on the labelled rows (CBPE for 0/1 labels and probabilities, DLE otherwise), from which the evaluator estimates each window's performance before labels arrive.",
  })
  label?: string;
  @ApiPropertyOptional({ type: [String], description: 'Columns that are not features (ids, labels).' })
  exclude?: string[];
  @ApiPropertyOptional({
    type: [String],
    description:
      'Segment tag columns: the profile holds a reference per value of each (libs/drift segment references).',
  })
  segmentBy?: string[];
  @ApiPropertyOptional({ description: 'Values per segment tag with their own reference (default 20).' })
  maxSegments?: number;
  @ApiPropertyOptional({ description: 'Quantile bins per numeric feature (default 10).' })
  bins?: number;
  @ApiPropertyOptional({ description: 'Categories tracked per categorical feature (default 100).' })
  maxCategories?: number;
}

export class IgnoredColumnSchema {
  @ApiProperty() column!: string;
  @ApiProperty() why!: string;
}

export class ProfileFromSampleSchema {
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'The reference profile (libs/drift/schemas/reference-profile.schema.json).',
  })
  profile!: Record<string, unknown>;
  @ApiProperty({ enum: ['contract', 'data'] }) typedBy!: string;
  @ApiProperty({ type: [IgnoredColumnSchema] }) ignored!: IgnoredColumnSchema[];
  @ApiProperty({ type: [String], description: 'Contract features the sample lacks.' })
  absentFeatures!: string[];
  @ApiPropertyOptional({
    description: 'Why the profile has no performance-estimation reference although a label was given.',
  })
  estimationProblem?: string;
}
