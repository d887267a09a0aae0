import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { heatmapPng, occlusionGrid, type Classifier, type ModelRepository, type OcclusionOptions } from '../../service/index.js';
import { ExplanationRefusedError, ImageFailure, NoImageError } from '../errors.js';
import { errorResponses, ExplainQuerySchema, ExplainResponseSchema } from '../schemas.js';

export interface ExplainRouteOptions {
  /** Explanations run on the default model's serving version. */
  models: ModelRepository;
  /** Most forward passes one explanation may take (EXPLAIN_MAX_INFERENCES). */
  maxInferences: number;
}

/** The one image of the request: the first file part named `image`, or the raw body. */
async function oneImage(request: FastifyRequest, rawName: string | null): Promise<{ bytes: Buffer; name: string | null }> {
  if (!request.isMultipart()) {
    const body = request.body;
    if (!Buffer.isBuffer(body) || body.length === 0) throw new NoImageError('no image: the request body is empty');
    return { bytes: body, name: rawName };
  }
  for await (const part of request.parts()) {
    if (part.type !== 'file') continue;
    if (part.fieldname !== 'image') {
      part.file.resume();
      continue;
    }
    const bytes = await part.toBuffer();
    if (bytes.length === 0) throw new NoImageError('image is empty');
    return { bytes, name: part.filename === '' ? null : part.filename };
  }
  throw new NoImageError('no image: the form has no file part named `image`');
}

/** PNG when the client lists image/png before (or without) application/json. */
function wantsPng(accept: string | undefined): boolean {
  const types = (accept ?? '').split(',').map((t) => t.split(';')[0]!.trim().toLowerCase());
  const png = types.indexOf('image/png');
  const json = types.indexOf('application/json');
  return png !== -1 && (json === -1 || png < json);
}

/** The cost of an explanation, checked before the upload is decoded. */
function checkCost(classifier: Classifier, options: OcclusionOptions, maxInferences: number): void {
  const { width, height } = classifier.inputSize;
  if (options.patch > Math.min(width, height)) {
    throw new ExplanationRefusedError('BAD_EXPLANATION', `patch ${options.patch} is larger than the model input (${width}x${height})`);
  }
  const { rows, cols, inferences } = occlusionGrid(width, height, options);
  if (inferences > maxInferences) {
    throw new ExplanationRefusedError(
      'EXPLANATION_TOO_COSTLY',
      `patch ${options.patch} stride ${options.stride} needs ${rows}x${cols}+1 = ${inferences} inferences; at most ${maxInferences} (EXPLAIN_MAX_INFERENCES): use a larger stride`,
    );
  }
}

export const explainRoute: FastifyPluginAsyncTypebox<ExplainRouteOptions> = async (app, { models, maxInferences }) => {
  app.post(
    '/explain',
    {
      schema: {
        summary: 'Where the network looked: occlusion sensitivity of one image',
        description:
          'One image, as for /classify (a file part named `image`, or the raw body). A grey patch slides over the model input and the drop of the predicted ' +
          "label's score is measured at each position. JSON by default; with `Accept: image/png`, the crop the model saw with the heatmap blended over it " +
          '(headers X-Explanation-Label, X-Explanation-Inferences). Explanations use the image as is, without test-time augmentation.',
        querystring: ExplainQuerySchema,
        response: {
          200: { content: { 'application/json': { schema: ExplainResponseSchema }, 'image/png': { schema: Type.Unsafe<Buffer>({ type: 'string', format: 'binary' }) } } },
          ...errorResponses(400, 413, 415, 422, 500, 503, 504),
        },
      },
    },
    async (request, reply) => {
      const { patch, stride, filename } = request.query;
      const options = { patch, stride };
      // The default model's serving version, held until the explanation is done (a swap waits for it).
      return models.use(async (classifier) => {
        checkCost(classifier, options, maxInferences);
        const { bytes, name } = await oneImage(request, filename ?? null);
        let result;
        try {
          result = await classifier.explain(bytes, name, options);
        } catch (error) {
          throw new ImageFailure(name === null ? 'image' : `image "${name}"`, error);
        }
        const { prediction, explanation } = result;
        if (wantsPng(request.headers.accept)) {
          return reply
            .type('image/png')
            .header('x-explanation-label', explanation.label)
            .header('x-explanation-inferences', String(explanation.inferences))
            .send(await heatmapPng(result.input, result.map, options));
        }
        return { model: classifier.summary, device: classifier.device, prediction, explanation, warnings: classifier.warnings() };
      });
    },
  );
};
