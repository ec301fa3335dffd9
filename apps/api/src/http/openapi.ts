import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

/** OpenAPI at `/openapi.json`, Swagger UI at `/docs` (served from the package, no CDN). */
export function mountOpenApi(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('authbench API')
    .setDescription('Sessions, signed tokens and JWT side by side behind one guard (see CONTRACT.md).')
    .setVersion('0.1.0')
    .addBearerAuth()
    .addCookieAuth('sid')
    .build();
  const document = SwaggerModule.createDocument(app, config);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'openapi.json', useGlobalPrefix: false });
}
