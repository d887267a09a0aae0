import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { deviceStatus, type Classifier } from '../../service/index.js';
import { DeviceReportSchema } from '../schemas.js';

export interface DevicesRouteOptions {
  classifier: Classifier;
  /** Root of sysfs to look for USB sticks in; tests point it at a fake tree. */
  sysfsRoot: string;
}

export const devicesRoute: FastifyPluginAsyncTypebox<DevicesRouteOptions> = async (app, { classifier, sysfsRoot }) => {
  app.get(
    '/devices',
    {
      schema: {
        summary: 'Inference devices: runtime, compiled device, Movidius sticks on USB',
        description: 'Answers 200 whenever the server runs; `hints` say how to fix a stick on the bus that the runtime cannot see.',
        response: { 200: DeviceReportSchema },
      },
    },
    () => deviceStatus(classifier, sysfsRoot),
  );
};
