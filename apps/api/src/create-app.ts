import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module.js';
import type { AppConfig } from './config/config.js';

/** CONTRACT §2: request bodies over 16 KiB are refused with 413. */
export const BODY_LIMIT = '16kb';

/** Builds the app without listening, so tests and benchmarks can choose the port. */
export async function createApp(config: AppConfig): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forConfig(config), {
    bodyParser: false,
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  app.disable('x-powered-by');
  app.useBodyParser('json', { limit: BODY_LIMIT, strict: true });
  app.enableShutdownHooks();
  return app;
}
