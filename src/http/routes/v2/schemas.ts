// The KServe v2 (Open Inference Protocol) documents, as kserve's required_api.md states them.
import { Type, type Static } from 'typebox';

const Parameters = Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean()]), {
  description: 'free-form parameters: strings, numbers and booleans',
});

export const V2ErrorSchema = Type.Object({ error: Type.String() }, { title: 'V2Error' });

export const ServerMetadataSchema = Type.Object({
  name: Type.String(),
  version: Type.String(),
  extensions: Type.Array(Type.String()),
});

const TensorMetadata = Type.Object({
  name: Type.String(),
  datatype: Type.String(),
  shape: Type.Array(Type.Integer(), { description: '-1 where the size is dynamic (the batch)' }),
});

export const ModelMetadataSchema = Type.Object({
  name: Type.String(),
  versions: Type.Array(Type.String()),
  platform: Type.String(),
  inputs: Type.Array(TensorMetadata),
  outputs: Type.Array(TensorMetadata),
  parameters: Parameters,
});

export const ModelReadySchema = Type.Object({ name: Type.String(), version: Type.String(), ready: Type.Boolean() });

export const LiveSchema = Type.Object({ live: Type.Boolean() });
export const ReadySchema = Type.Object({ ready: Type.Boolean() });

const InferInput = Type.Object({
  name: Type.String(),
  shape: Type.Array(Type.Integer({ minimum: 0 })),
  datatype: Type.String(),
  parameters: Type.Optional(Parameters),
  data: Type.Optional(Type.Array(Type.Unknown(), { description: 'row-major, flat or nested' })),
});
export type InferInput = Static<typeof InferInput>;

const RequestedOutput = Type.Object({ name: Type.String(), parameters: Type.Optional(Parameters) });

export const InferRequestSchema = Type.Object({
  id: Type.Optional(Type.String()),
  parameters: Type.Optional(Parameters),
  inputs: Type.Array(InferInput, { minItems: 1 }),
  outputs: Type.Optional(Type.Array(RequestedOutput)),
});
export type InferRequest = Static<typeof InferRequestSchema>;

const InferOutput = Type.Object({
  name: Type.String(),
  shape: Type.Array(Type.Integer()),
  datatype: Type.String(),
  parameters: Type.Optional(Parameters),
  data: Type.Optional(Type.Array(Type.Number())),
});
export type InferOutput = Static<typeof InferOutput>;

export const InferResponseSchema = Type.Object({
  model_name: Type.String(),
  model_version: Type.String(),
  id: Type.Optional(Type.String()),
  parameters: Type.Optional(Parameters),
  outputs: Type.Array(InferOutput),
});
export type InferResponse = Static<typeof InferResponseSchema>;

export const ModelParamsSchema = Type.Object({ name: Type.String() });
export const VersionParamsSchema = Type.Object({ name: Type.String(), version: Type.String() });
