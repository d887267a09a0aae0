import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import type { Classifier, ModelRepository } from '../../../service/index.js';
import { errorResponses } from './errors.js';
import { ModelMetadataSchema, ModelParamsSchema, ModelReadySchema, VersionParamsSchema } from './schemas.js';
import { IMAGE_INPUT, tensorShape } from './tensors.js';

/** Model metadata: the tensor input (FP32, UINT8 also taken), the image input, the scores; labels in `parameters`. */
function metadata(models: ModelRepository, name: string, classifier: Classifier) {
  const { manifest } = classifier.model;
  return {
    name,
    versions: models.status().filter((s) => s.name === name && s.state === 'ready').map((s) => s.version),
    platform: 'openvino_ir',
    inputs: [
      { name: manifest.input.name, datatype: 'FP32', shape: tensorShape(classifier) },
      { name: IMAGE_INPUT, datatype: 'BYTES', shape: [-1] },
    ],
    outputs: [{ name: manifest.output.name, datatype: 'FP32', shape: [-1, manifest.labels.length] }],
    parameters: {
      labels: manifest.labels.join(','),
      model_version: manifest.version,
      trained: manifest.trained,
      input_range: manifest.preprocessing.range.join(','),
      input_datatypes: 'FP32,UINT8',
      device: classifier.device,
    },
  };
}

/** 200 {ready: true} when the version serves; 503 {ready: false, error} naming why not. */
function ready(models: ModelRepository, reply: FastifyReply, name: string, version?: string) {
  const classifier = models.resolve(name, version);
  const readiness = classifier.readiness();
  const body = { name, version: models.versionOf(classifier), ready: readiness.ready };
  return readiness.ready ? body : reply.status(503).send({ ...body, error: `not ready: ${readiness.reason}` });
}

const responses = { ...errorResponses(404, 503) };

export const v2ModelRoutes: FastifyPluginAsyncTypebox<{ models: ModelRepository }> = async (app, { models }) => {
  app.get(
    '/models/:name',
    { schema: { summary: 'KServe v2 model metadata (its highest ready version)', params: ModelParamsSchema, response: { 200: ModelMetadataSchema, ...responses } } },
    async (request) => metadata(models, request.params.name, models.resolve(request.params.name)),
  );
  app.get(
    '/models/:name/versions/:version',
    { schema: { summary: 'KServe v2 model metadata of one version', params: VersionParamsSchema, response: { 200: ModelMetadataSchema, ...responses } } },
    async (request) => metadata(models, request.params.name, models.resolve(request.params.name, request.params.version)),
  );
  app.get(
    '/models/:name/ready',
    { schema: { summary: 'KServe v2 model readiness', params: ModelParamsSchema, response: { 200: ModelReadySchema, ...responses } } },
    async (request, reply) => ready(models, reply, request.params.name),
  );
  app.get(
    '/models/:name/versions/:version/ready',
    { schema: { summary: 'KServe v2 readiness of one version', params: VersionParamsSchema, response: { 200: ModelReadySchema, ...responses } } },
    async (request, reply) => ready(models, reply, request.params.name, request.params.version),
  );
};
