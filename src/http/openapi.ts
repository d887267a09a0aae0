import type { SwaggerTransformObject } from '@fastify/swagger';
import { RAW_UPLOAD_MEDIA_TYPES } from '../service/index.js';

const binary = { type: 'string', format: 'binary' } as const;

/**
 * POST /classify reads its body as a stream (multipart) or raw bytes, so the route has no body
 * schema to validate; the OpenAPI document still has to say what to send.
 */
export const withClassifyRequestBody: SwaggerTransformObject = (document) => {
  if (!('openapiObject' in document)) return document.swaggerObject;
  const openapi = document.openapiObject;
  const post = openapi.paths?.['/classify']?.post;
  if (post) {
    post.requestBody = {
      required: true,
      content: {
        'multipart/form-data': {
          schema: {
            type: 'object',
            required: ['image'],
            properties: { image: { type: 'array', items: binary, description: 'one or more images; answered in this order' } },
          },
        },
        ...Object.fromEntries(RAW_UPLOAD_MEDIA_TYPES.map((type) => [type, { schema: binary }])),
      },
    };
  }
  return openapi;
};
