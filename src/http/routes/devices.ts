import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { scanUsbSticks } from '../../inference/usb-sticks.js';
import type { Classifier } from '../../service/classifier.js';
import { buildDeviceReport } from '../../service/device-report.js';
import { DevicesResponseSchema } from '../schemas.js';

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
        response: { 200: DevicesResponseSchema },
      },
    },
    async () => buildDeviceReport(classifier.runtimeReport(), await scanUsbSticks(sysfsRoot)),
  );
};
