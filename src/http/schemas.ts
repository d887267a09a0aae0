// TypeBox 1.x, the version the Fastify type provider's inference is written for, imported from
// itself: the provider's runtime entry would also load TypeBox's compiler (~200 ms more start-up),
// and the provider is only needed for types.
import { Type, type Static } from 'typebox';

export const ErrorSchema = Type.Object(
  {
    statusCode: Type.Integer(),
    code: Type.String({ description: 'stable error code, e.g. UNSUPPORTED_IMAGE_FORMAT, QUEUE_FULL' }),
    error: Type.String({ description: 'HTTP reason phrase' }),
    message: Type.String({ description: 'what went wrong, naming the image when one image failed' }),
  },
  { title: 'Error' },
);

const Ms = Type.Number({ description: 'milliseconds' });

export const PredictionSchema = Type.Object(
  {
    filename: Type.Union([Type.String(), Type.Null()], { description: 'upload file name; null for a raw body without ?filename=' }),
    label: Type.String(),
    score: Type.Number({ minimum: 0, maximum: 1 }),
    scores: Type.Record(Type.String(), Type.Number(), { description: 'probability per label; they sum to 1' }),
    timing_ms: Type.Object({ decode: Ms, queue: Ms, infer: Ms }),
  },
  { title: 'Prediction' },
);

export const ModelSummarySchema = Type.Object({ name: Type.String(), version: Type.String(), trained: Type.Boolean() });

export const ClassifyResponseSchema = Type.Object({
  model: ModelSummarySchema,
  device: Type.String({ description: 'the device that ran the inference' }),
  predictions: Type.Array(PredictionSchema, { description: 'one per image, in upload order' }),
  warnings: Type.Array(Type.String(), { description: 'e.g. that an untrained model is not a diagnosis' }),
});
export type ClassifyResponse = Static<typeof ClassifyResponseSchema>;

export const ClassifyQuerySchema = Type.Object({
  filename: Type.Optional(Type.String({ maxLength: 255, description: 'name echoed in the prediction of a raw-body upload' })),
});

const DeviceSchema = Type.Object({ name: Type.String(), fullName: Type.String() });

export const DevicesResponseSchema = Type.Object({
  runtime: Type.Object({ version: Type.String(), description: Type.String(), libraryPath: Type.String() }),
  available: Type.Array(DeviceSchema, { description: 'every device the runtime lists' }),
  compiled: Type.Object({
    device: Type.String(),
    since: Type.String({ format: 'date-time' }),
    numRequests: Type.Integer(),
    fallbacks: Type.Array(Type.Object({ device: Type.String(), reason: Type.String() }), {
      description: 'devices tried before, with the reason each was skipped',
    }),
  }),
  failovers: Type.Array(
    Type.Object({
      device: Type.String(),
      reason: Type.String(),
      at: Type.String({ format: 'date-time' }),
      to: Type.Union([Type.String(), Type.Null()]),
    }),
    { description: 'devices lost while serving (e.g. a stick pulled out) and the device the model was recompiled on' },
  ),
  usb: Type.Object({
    directory: Type.String(),
    readable: Type.Boolean(),
    sticks: Type.Array(
      Type.Object({
        sysfsName: Type.String(),
        vendorId: Type.String(),
        productId: Type.String(),
        model: Type.String(),
        state: Type.String({ description: 'awaiting-firmware | booted | unknown' }),
        busnum: Type.Union([Type.Integer(), Type.Null()]),
        devnum: Type.Union([Type.Integer(), Type.Null()]),
        visibleToRuntime: Type.Boolean(),
      }),
    ),
  }),
  hints: Type.Array(Type.String(), { description: 'how to fix a stick the runtime cannot see' }),
});

export const StatusSchema = Type.Object({ status: Type.String() });

export const ReadySchema = Type.Object({ status: Type.Literal('ready'), device: Type.String() });

/** The manifest is validated by zod on load; here it is passed through as is. */
export const ManifestResponseSchema = Type.Object({}, { additionalProperties: true, description: 'models/<name>/manifest.json of the loaded model' });

/** The error responses a route documents, all with the one error shape. */
export function errorResponses(...statuses: number[]): Record<number, typeof ErrorSchema> {
  return Object.fromEntries(statuses.map((s) => [s, ErrorSchema]));
}
