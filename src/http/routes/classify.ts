import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { classifyResponse, RAW_UPLOAD_MEDIA_TYPES, SUPPORTED_FORMATS_TEXT, type Classifier, type ModelRepository, type Prediction } from '../../service/index.js';
import { ImageFailure, MalformedMultipartError, NoImageError } from '../errors.js';
import type { HttpMetrics } from '../metrics.js';
import { ClassifyQuerySchema, ClassifyResponseSchema, errorResponses } from '../schemas.js';

export interface ClassifyRouteOptions {
  models: ModelRepository;
  metrics: HttpMetrics;
}

const noop = () => {};

/** busboy (under @fastify/multipart) raises its parse errors as plain Errors without a code: the form does not parse. */
function formReaderError(error: unknown): unknown {
  return error instanceof Error && !('code' in error) ? new MalformedMultipartError(error) : error;
}

/** The model a request names (?model=, ?version=), resolved once per request. */
interface Served {
  classifier: Classifier;
  name: string;
  version: string;
}

export const classifyRoute: FastifyPluginAsyncTypebox<ClassifyRouteOptions> = async (app, { models, metrics }) => {
  /** `bytes` is the request's own copy of one upload (a raw body, a part's buffer): handed over, freed once decoded. */
  const classifyOne = async (served: Served, bytes: Uint8Array, filename: string | null, label: string): Promise<Prediction> => {
    try {
      const prediction = await served.classifier.classify(bytes, filename, { releaseBytes: true });
      metrics.observePrediction(prediction, served.name, served.version);
      return prediction;
    } catch (error) {
      throw new ImageFailure(label, error);
    }
  };

  /** Starts each image's classification as soon as its part is read, so decoding overlaps the upload. */
  const classifyParts = async (served: Served, request: FastifyRequest): Promise<Promise<Prediction>[]> => {
    // If reading the form fails half-way, images already on the pool finish there and are dropped.
    const started: Promise<Prediction>[] = [];
    let index = 0;
    try {
      for await (const part of request.parts()) {
        if (part.type !== 'file') continue;
        if (part.fieldname !== 'image') {
          part.file.resume(); // not ours: drain it so the rest of the form can be read
          continue;
        }
        const name = part.filename === '' ? null : part.filename;
        const label = `image[${index}]${name === null ? '' : ` "${name}"`}`;
        index++;
        const bytes = await part.toBuffer();
        if (bytes.length === 0) throw new NoImageError(`${label} is empty`);
        const prediction = classifyOne(served, bytes, name, label);
        prediction.catch(noop); // awaited below; without this an early failure would count as unhandled
        started.push(prediction);
      }
    } catch (error) {
      throw formReaderError(error);
    }
    if (started.length === 0) throw new NoImageError('no image: the form has no file part named `image`');
    return started;
  };

  app.post(
    '/classify',
    {
      schema: {
        summary: 'Classify one or more blood-smear images',
        description:
          'multipart/form-data with one or more file parts named `image` (a batch, answered in upload order), ' +
          `or one image as the raw body (Content-Type ${RAW_UPLOAD_MEDIA_TYPES.join(', ')}); formats read: ${SUPPORTED_FORMATS_TEXT}, sniffed from the bytes.`,
        querystring: ClassifyQuerySchema,
        response: { 200: ClassifyResponseSchema, ...errorResponses(400, 413, 415, 422, 500, 503, 504) },
      },
    },
    async (request) => {
      const name = request.query.model ?? models.defaultModel;
      // The version is held while the upload is read: a swap meanwhile does not close it under the request.
      return models.use(
        async (classifier, version) => {
          const served = { classifier, name, version };
          let pending: Promise<Prediction>[];
          if (request.isMultipart()) {
            pending = await classifyParts(served, request);
          } else {
            const body = request.body;
            if (!Buffer.isBuffer(body) || body.length === 0) throw new NoImageError('no image: the request body is empty');
            const filename = request.query.filename ?? null;
            pending = [classifyOne(served, body, filename, filename === null ? 'image' : `image "${filename}"`)];
          }
          return classifyResponse(classifier, await Promise.all(pending));
        },
        name,
        request.query.version,
      );
    },
  );
};
