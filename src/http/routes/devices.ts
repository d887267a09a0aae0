import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { deviceStatus, type ModelRepository } from '../../service/index.js';
import { DeviceReportSchema, VersionStatusSchema } from '../schemas.js';

export interface DevicesRouteOptions {
  models: ModelRepository;
  /** Root of sysfs to look for USB sticks in; tests point it at a fake tree. */
  sysfsRoot: string;
}

export const devicesRoute: FastifyPluginAsyncTypebox<DevicesRouteOptions> = async (app, { models, sysfsRoot }) => {
  app.get(
    '/devices',
    {
      schema: {
        summary: 'Inference devices: runtime, the default model\'s device, every model version\'s device, Movidius sticks on USB',
        description: 'Answers 200 whenever the server runs; `hints` say how to fix a stick on the bus that the runtime cannot see.',
        response: { 200: Type.Object({ ...DeviceReportSchema.properties, models: Type.Array(VersionStatusSchema, { description: 'each model version and the device it is compiled on' }) }) },
      },
    },
    async () => ({ ...(await deviceStatus(models.resolve(), sysfsRoot)), models: models.status() }),
  );
};
