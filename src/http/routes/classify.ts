import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { classifyResponse, RAW_UPLOAD_MEDIA_TYPES, SUPPORTED_FORMATS_TEXT, type Classifier, type Prediction } from '../../service/index.js';
import { ImageFailure, MalformedMultipartError, NoImageError } from '../errors.js';
import type { HttpMetrics } from '../metrics.js';
import { ClassifyQuerySchema, ClassifyResponseSchema, errorResponses } from '../schemas.js';

export interface ClassifyRouteOptions {
  classifier: Classifier;
  metrics: HttpMetrics;
}

const noop = () => {};

/** busboy (under @fastify/multipart) raises its parse errors as plain Errors without a code: the form does not parse. */
function formReaderError(error: unknown): unknown {
  return error instanceof Error && !('code' in error) ? new MalformedMultipartError(error) : error;
}

export const classifyRoute: FastifyPluginAsyncTypebox<ClassifyRouteOptions> = async (app, { classifier, metrics }) => {
  const classifyOne = async (bytes: Uint8Array, filename: string | null, label: string): Promise<Prediction> => {
    try {
      const prediction = await classifier.classify(bytes, filename);
      metrics.observePrediction(prediction);
      return prediction;
    } catch (error) {
      throw new ImageFailure(label, error);
    }
  };

  /** Starts each image's classification as soon as its part is read, so decoding overlaps the upload. */
  const classifyParts = async (request: FastifyRequest): Promise<Promise<Prediction>[]> => {
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
        const prediction = classifyOne(bytes, name, label);
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
      let pending: Promise<Prediction>[];
      if (request.isMultipart()) {
        pending = await classifyParts(request);
      } else {
        const body = request.body;
        if (!Buffer.isBuffer(body) || body.length === 0) throw new NoImageError('no image: the request body is empty');
        const name = request.query.filename ?? null;
        pending = [classifyOne(body, name, name === null ? 'image' : `image "${name}"`)];
      }
      const predictions = await Promise.all(pending);
      return classifyResponse(classifier, predictions);
    },
  );
};
