import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  Post,
  Put,
  Query,
  Req,
  Res,
  UseGuards,
  applyDecorators,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import { type Request, type Response } from 'express';
import { AcceptsBody } from '@continuum/observability';
import {
  type ArtifactRef,
  type HistoryDto,
  type LineageDto,
  MODEL_STAGES,
  type ModelDto,
  type StageChangeDto,
  type VersionDto,
} from '@continuum/registry';
import { CommandError, badRequest } from '../commands/command-error';
import { RegistryCommands } from '../commands/registry-commands';
import { type ProfileFromSampleDto, RegistryQueries } from './registry-queries';
import { RegistryWriteGuard } from './bearer-token.guard';
import {
  ArtifactRefSchema,
  ChangeStageSchema,
  CreateModelSchema,
  ErrorSchema,
  HistorySchema,
  LineageResponseSchema,
  ModelSchema,
  ProfileFromSampleSchema,
  ProfileSampleSchema,
  RegisterVersionSchema,
  StageChangeSchema,
  VersionSchema,
} from './openapi-schemas';
import {
  ID_PATTERN,
  type Parsed,
  parseChangeStage,
  parseCreateModel,
  parseProfileSample,
  parseRegisterVersion,
} from './request-validation';

function valid<T>(parsed: Parsed<T>): T {
  if ('value' in parsed) return parsed.value;
  const { problems } = parsed;
  throw badRequest(problems.paths[0] ?? 'body', problems.items.join('; '), problems.items);
}

function id(value: string, field: string): string {
  if (!ID_PATTERN.test(value)) {
    throw badRequest(
      field,
      `${field} must be 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit`,
    );
  }
  return value;
}

const errors = [
  ApiResponse({ status: 400, description: 'Invalid input; `field` names it.', type: ErrorSchema }),
  ApiResponse({ status: 404, description: 'Unknown model or version.', type: ErrorSchema }),
];
const mutating = [
  ApiBearerAuth(),
  ApiResponse({ status: 401, description: 'Missing or wrong bearer token.', type: ErrorSchema }),
  ApiResponse({
    status: 421,
    description: "Another registry instance writes this model's events: send the request there.",
    type: ErrorSchema,
  }),
];

/**
 * The registry's REST API. Reads are served from this instance's fold of ct.model-versions;
 * mutating calls (bearer token) are commands written to the topic by the model's writer.
 */
@ApiTags('models')
@Controller('models')
@UseGuards(RegistryWriteGuard)
export class ModelsController {
  constructor(
    private readonly commands: RegistryCommands,
    private readonly queries: RegistryQueries,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Register a model: task, feature contract, owner, retrain policy reference.' })
  @ApiBody({ type: CreateModelSchema })
  @ApiResponse({ status: 201, type: ModelSchema })
  @ApiResponse({ status: 409, description: 'The model exists.', type: ErrorSchema })
  @applyDecorators(...errors, ...mutating)
  createModel(@Body() body: unknown): Promise<ModelDto> {
    return this.commands.createModel(valid(parseCreateModel(body)));
  }

  @Get()
  @ApiOperation({ summary: 'Every model.' })
  @ApiOkResponse({ type: [ModelSchema] })
  listModels(): ModelDto[] {
    return this.queries.models();
  }

  @Get(':modelId')
  @ApiOperation({ summary: 'A model, with its revision (the expectedRevision of its next change).' })
  @ApiOkResponse({ type: ModelSchema })
  @applyDecorators(...errors)
  getModel(@Param('modelId') modelId: string): ModelDto {
    return this.queries.model(id(modelId, 'modelId'));
  }

  @Post(':modelId/versions')
  @ApiOperation({
    summary:
      'Register a version (number assigned: "1", "2", …) with lineage, metrics, reference profile and artifact.',
  })
  @ApiBody({ type: RegisterVersionSchema })
  @ApiResponse({ status: 201, description: 'Registered.', type: VersionSchema })
  @ApiResponse({
    status: 200,
    description: 'The idempotency key had registered it already.',
    type: VersionSchema,
  })
  @ApiResponse({
    status: 413,
    description: 'The event would exceed the topic’s record size.',
    type: ErrorSchema,
  })
  @ApiResponse({ status: 422, description: 'Stage not allowed at registration.', type: ErrorSchema })
  @applyDecorators(...errors, ...mutating)
  async registerVersion(
    @Param('modelId') modelId: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) res: Response,
  ): Promise<VersionDto> {
    const result = await this.commands.registerVersion(
      id(modelId, 'modelId'),
      valid(parseRegisterVersion(body)),
    );
    res.status(result.created ? 201 : 200);
    return result.version;
  }

  @Get(':modelId/versions')
  @ApiOperation({ summary: "The model's versions in registration order, optionally of one stage." })
  @ApiQuery({ name: 'stage', required: false, enum: MODEL_STAGES })
  @ApiOkResponse({ type: [VersionSchema] })
  @applyDecorators(...errors)
  listVersions(@Param('modelId') modelId: string, @Query('stage') stage?: unknown): VersionDto[] {
    if (
      stage !== undefined &&
      !(typeof stage === 'string' && (MODEL_STAGES as readonly string[]).includes(stage))
    ) {
      throw badRequest('stage', `stage must be one of ${MODEL_STAGES.join(', ')}`);
    }
    return this.queries.versions(id(modelId, 'modelId'), stage as string | undefined);
  }

  @Get(':modelId/versions/:version')
  @ApiOperation({ summary: 'A version.' })
  @ApiOkResponse({ type: VersionSchema })
  @applyDecorators(...errors)
  getVersion(@Param('modelId') modelId: string, @Param('version') version: string): VersionDto {
    return this.queries.version(id(modelId, 'modelId'), id(version, 'version'));
  }

  @Get(':modelId/versions/:version/reference-profile')
  @ApiOperation({
    summary:
      "The version's reference profile (libs/drift ReferenceProfile JSON), inline or from the artifact store.",
  })
  @ApiOkResponse({ schema: { type: 'object', additionalProperties: true } })
  @applyDecorators(...errors)
  async referenceProfile(
    @Param('modelId') modelId: string,
    @Param('version') version: string,
    @Res() res: Response,
  ): Promise<void> {
    const json = await this.queries.referenceProfile(id(modelId, 'modelId'), id(version, 'version'));
    res.status(200).type('application/json').send(json);
  }

  @Post(':modelId/reference-profile')
  @HttpCode(200)
  @ApiOperation({
    summary:
      "Build a reference profile from sample rows (the model's training data), typed by its contract; nothing is stored — register a version with it.",
  })
  @ApiBody({ type: ProfileSampleSchema })
  @ApiOkResponse({ type: ProfileFromSampleSchema })
  @ApiResponse({ status: 422, description: 'No feature of the model in the sample.', type: ErrorSchema })
  @applyDecorators(...errors, ...mutating)
  profileFromSample(@Param('modelId') modelId: string, @Body() body: unknown): ProfileFromSampleDto {
    return this.queries.profileFromSample(id(modelId, 'modelId'), valid(parseProfileSample(body)));
  }

  @Get(':modelId/versions/:version/history')
  @ApiOperation({
    summary: 'The audit trail: every stage the version entered, who, when, why, with what evidence.',
  })
  @ApiOkResponse({ type: HistorySchema })
  @applyDecorators(...errors)
  history(@Param('modelId') modelId: string, @Param('version') version: string): HistoryDto {
    return this.queries.history(id(modelId, 'modelId'), id(version, 'version'));
  }

  @Get(':modelId/versions/:version/lineage')
  @ApiOperation({
    summary:
      'What the version was trained on (offset ranges of ct.examples, seed, code, hyper-parameters) and its parents.',
  })
  @ApiOkResponse({ type: LineageResponseSchema })
  @applyDecorators(...errors)
  lineage(@Param('modelId') modelId: string, @Param('version') version: string): LineageDto {
    return this.queries.lineage(id(modelId, 'modelId'), id(version, 'version'));
  }

  @Post(':modelId/versions/:version/stage')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Change a stage. CANDIDATE→SHADOW→CHAMPION; a new CHAMPION archives the previous one; an ARCHIVED version may become CHAMPION again (rollback); any non-champion may be REJECTED.',
  })
  @ApiBody({ type: ChangeStageSchema })
  @ApiOkResponse({ type: StageChangeSchema })
  @ApiResponse({
    status: 409,
    description: 'expectedRevision is stale, or a concurrent change won.',
    type: ErrorSchema,
  })
  @ApiResponse({ status: 422, description: 'Illegal transition.', type: ErrorSchema })
  @applyDecorators(...errors, ...mutating)
  changeStage(
    @Param('modelId') modelId: string,
    @Param('version') version: string,
    @Body() body: unknown,
  ): Promise<StageChangeDto> {
    return this.commands.changeStage(
      id(modelId, 'modelId'),
      id(version, 'version'),
      valid(parseChangeStage(body)),
    );
  }

  @Put(':modelId/versions/:version/artifact')
  @AcceptsBody('application/octet-stream')
  @ApiOperation({
    summary: 'Upload the version’s artifact (raw bytes) into the artifact store; returns its reference.',
  })
  @ApiConsumes('application/octet-stream')
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  @ApiOkResponse({ type: ArtifactRefSchema })
  @applyDecorators(...errors, ...mutating)
  uploadArtifact(
    @Param('modelId') modelId: string,
    @Param('version') version: string,
    @Req() req: Request,
  ): Promise<ArtifactRef> {
    if (!Buffer.isBuffer(req.body)) {
      throw new CommandError(
        415,
        'UNSUPPORTED_MEDIA_TYPE',
        'send the artifact as Content-Type: application/octet-stream',
        'body',
      );
    }
    return this.commands.uploadArtifact(id(modelId, 'modelId'), id(version, 'version'), req.body);
  }
}
