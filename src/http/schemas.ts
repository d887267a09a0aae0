// TypeBox 1.x, the version the Fastify type provider's inference is written for, imported from
// itself: the provider's runtime entry would also load TypeBox's compiler (slower start-up), and
// the provider is only needed for types.
import { Type } from 'typebox';
import { OCCLUSION_DEFAULTS, VersionStatusSchema } from '../service/index.js';
export { ClassifyResponseSchema, DeviceReportSchema, ExplainResponseSchema, VersionStatusSchema } from '../service/index.js';

export const ErrorSchema = Type.Object(
  {
    statusCode: Type.Integer(),
    code: Type.String({ description: 'stable error code: one of the README\'s error table, e.g. UNSUPPORTED_IMAGE_FORMAT, QUEUE_FULL' }),
    error: Type.String({ description: 'HTTP reason phrase' }),
    message: Type.String({ description: 'what went wrong, naming the image when one image failed' }),
  },
  { title: 'Error' },
);

export const ClassifyQuerySchema = Type.Object({
  filename: Type.Optional(Type.String({ maxLength: 255, description: 'name echoed in the prediction of a raw-body upload' })),
  model: Type.Optional(Type.String({ maxLength: 255, description: 'a model of the repository (default: MODEL_NAME, or the first by name)' })),
  version: Type.Optional(Type.String({ maxLength: 32, description: 'a loaded version of that model (default: its highest ready version)' })),
});

export const ExplainQuerySchema = Type.Object({
  ...ClassifyQuerySchema.properties,
  patch: Type.Integer({ minimum: 1, default: OCCLUSION_DEFAULTS.patch, description: 'side of the grey patch in model-input pixels (at most the input side, 299)' }),
  stride: Type.Integer({ minimum: 1, default: OCCLUSION_DEFAULTS.stride, description: 'step between patch positions; cost = ((299 - patch) / stride + 1)^2 + 1 inferences' }),
});

export const StatusSchema = Type.Object({ status: Type.String() });

export const ReadySchema = Type.Object({ status: Type.Literal('ready'), device: Type.String() });

/** The manifest is validated by zod on load; here it is passed through as is. */
export const ManifestResponseSchema = Type.Object(
  { repository: Type.Array(VersionStatusSchema, { description: 'every model version known: loading, ready (with its device) or failed (with the reason)' }) },
  { additionalProperties: true, description: 'manifest.json of the model, and the repository\'s state' },
);

/** The error responses a route documents, all with the one error shape. */
export function errorResponses(...statuses: number[]): Record<number, typeof ErrorSchema> {
  return Object.fromEntries(statuses.map((s) => [s, ErrorSchema]));
}
