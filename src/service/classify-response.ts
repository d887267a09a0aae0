import { Type, type Static } from 'typebox';

const Ms = Type.Number({ description: 'milliseconds' });

export const PredictionSchema = Type.Object(
  {
    filename: Type.Union([Type.String(), Type.Null()], { description: 'upload file name; null for a raw body without ?filename=' }),
    label: Type.String(),
    score: Type.Number({ minimum: 0, maximum: 1 }),
    scores: Type.Record(Type.String(), Type.Number(), { description: 'probability per label, in manifest order; they sum to 1' }),
    timing_ms: Type.Object({ decode: Ms, queue: Ms, infer: Ms }),
    warnings: Type.Array(Type.String(), { description: 'damage found in this image when ACCEPT_DAMAGED_IMAGES=true; empty otherwise' }),
  },
  { title: 'Prediction' },
);
export type Prediction = Static<typeof PredictionSchema>;

export const ModelSummarySchema = Type.Object({
  name: Type.String(),
  version: Type.String(),
  trained: Type.Boolean(),
  precision: Type.String({ description: 'what the serving device computes in: f32, bf16, int8 (the INT8 IR) or f16 (the stick)' }),
  ir: Type.String({ description: 'the IR file serving' }),
});
export type ModelSummary = Static<typeof ModelSummarySchema>;

/** The answer of POST /classify, also what `leukoserve classify --json` prints (with its `errors`). */
export const ClassifyResponseSchema = Type.Object({
  model: ModelSummarySchema,
  device: Type.String({ description: 'the device that ran the inference' }),
  predictions: Type.Array(PredictionSchema, { description: 'one per image, in upload order' }),
  warnings: Type.Array(Type.String(), { description: 'e.g. that an untrained model is not a diagnosis' }),
});
export type ClassifyResponse = Static<typeof ClassifyResponseSchema>;

/** What a response says about where its predictions come from. */
export interface PredictionSource {
  readonly summary: ModelSummary;
  readonly device: string;
  warnings(): string[];
}

/** The one builder of the classify document, for HTTP and the CLI. */
export function classifyResponse(source: PredictionSource, predictions: Prediction[]): ClassifyResponse {
  return { model: source.summary, device: source.device, predictions, warnings: source.warnings() };
}
