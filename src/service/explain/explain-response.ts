import { Type, type Static } from 'typebox';
import { ModelSummarySchema, PredictionSchema } from '../classify-response.js';

export const ExplanationSchema = Type.Object(
  {
    method: Type.Literal('occlusion', { description: 'occlusion sensitivity (Zeiler & Fergus 2014): a grey patch (u8 128 = 0 after scaling) slid over the model input' }),
    label: Type.String({ description: 'the label explained: the prediction of the image as is' }),
    input: Type.Object({ width: Type.Integer(), height: Type.Integer() }, { description: 'the model input the patch slides over (the central crop, resized)' }),
    patch: Type.Integer(),
    stride: Type.Integer(),
    rows: Type.Integer(),
    cols: Type.Integer(),
    grid: Type.Array(Type.Array(Type.Number()), {
      description: "grid[row][col]: the predicted label's score minus its score with the patch at (x = col*stride, y = row*stride); > 0 = the region supported the label",
    }),
    inferences: Type.Integer({ description: 'forward passes: one per patch position plus the image itself' }),
    ms: Type.Number({ description: 'wall time of the explanation, decode included' }),
  },
  { title: 'Explanation' },
);
export type Explanation = Static<typeof ExplanationSchema>;

/** The answer of POST /explain as JSON. */
export const ExplainResponseSchema = Type.Object({
  model: ModelSummarySchema,
  device: Type.String(),
  prediction: PredictionSchema,
  explanation: ExplanationSchema,
  warnings: Type.Array(Type.String()),
});
export type ExplainResponse = Static<typeof ExplainResponseSchema>;
