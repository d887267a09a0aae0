import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Classifier, ModelRepository, Prediction } from '../../../service/index.js';
import { InvalidInferRequestError } from '../../errors.js';
import type { HttpMetrics } from '../../metrics.js';
import { encodeInferResponse, HEADER_LENGTH, parseInferRequest, wantsBinary } from './binary-data.js';
import { errorResponses } from './errors.js';
import { InferResponseSchema, ModelParamsSchema, VersionParamsSchema, type InferResponse } from './schemas.js';
import { readModelInput } from './tensors.js';

export interface InferRouteOptions {
  models: ModelRepository;
  metrics: HttpMetrics;
  maxBatch: number;
}

export const v2InferRoutes: FastifyPluginAsyncTypebox<InferRouteOptions> = async (app, { models, metrics, maxBatch }) => {
  const infer = async (request: FastifyRequest, reply: FastifyReply, name: string, version?: string) => {
    const body = request.body;
    if (!Buffer.isBuffer(body) || body.length === 0) throw new InvalidInferRequestError('no inference request: the body is empty');
    const header = request.headers[HEADER_LENGTH];
    const { request: inferRequest, binary } = parseInferRequest(body, Array.isArray(header) ? header[0] : header);
    // Resolved once: a version swapped in meanwhile takes the next request, this one finishes here.
    const classifier: Classifier = models.resolve(name, version);
    const servedVersion = models.versionOf(classifier);
    const { manifest } = classifier.model;
    const outputName = manifest.output.name;
    const unknown = inferRequest.outputs?.find((o) => o.name !== outputName);
    if (unknown !== undefined) throw new InvalidInferRequestError(`no output "${unknown.name}": the model gives "${outputName}"`);

    const input = readModelInput(classifier, inferRequest.inputs, binary, maxBatch);
    const pending: Promise<Prediction>[] =
      input.kind === 'images' ? input.images.map((bytes) => classifier.classify(bytes)) : input.images.map((pixels) => classifier.classifyTensor(pixels));
    const predictions = await Promise.all(pending);
    for (const p of predictions) metrics.observePrediction(p, name, servedVersion);

    const scores = Float32Array.from(predictions.flatMap((p) => manifest.labels.map((label) => p.scores[label]!)));
    const shape = [predictions.length, manifest.labels.length];
    const asBinary = wantsBinary(inferRequest, outputName);
    const response: InferResponse = {
      model_name: name,
      model_version: servedVersion,
      ...(inferRequest.id === undefined ? {} : { id: inferRequest.id }),
      parameters: { labels: manifest.labels.join(','), device: classifier.device, warnings: classifier.warnings().join('; ') },
      outputs: [
        asBinary
          ? { name: outputName, datatype: 'FP32', shape, parameters: { binary_data_size: scores.byteLength } }
          : { name: outputName, datatype: 'FP32', shape, data: [...scores] },
      ],
    };
    const encoded = encodeInferResponse(response, asBinary ? new Map([[outputName, Buffer.from(scores.buffer)]]) : new Map());
    if (encoded.headerLength !== null) reply.header(HEADER_LENGTH, String(encoded.headerLength)).type('application/octet-stream');
    return reply.send(encoded.body);
  };

  const description =
    'JSON, or with the binary tensor data extension (Inference-Header-Content-Length). One input: the preprocessed ' +
    'tensor (FP32 in the model range, or UINT8, [N,299,299,3]) or `image` (BYTES [N], encoded images). Scores FP32 [N, labels].';
  app.post(
    '/models/:name/infer',
    { schema: { summary: 'KServe v2 inference', description, params: ModelParamsSchema, response: { 200: InferResponseSchema, ...errorResponses(400, 404, 413, 415, 422, 500, 503, 504) } } },
    async (request, reply) => infer(request, reply, request.params.name),
  );
  app.post(
    '/models/:name/versions/:version/infer',
    { schema: { summary: 'KServe v2 inference on one version', description, params: VersionParamsSchema, response: { 200: InferResponseSchema, ...errorResponses(400, 404, 413, 415, 422, 500, 503, 504) } } },
    async (request, reply) => infer(request, reply, request.params.name, request.params.version),
  );
};
