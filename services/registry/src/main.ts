import 'reflect-metadata';
import { type NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { artifactStoreFromEnv } from '@continuum/artifact-store';
import { runService, startOrExit } from '@continuum/observability';
import { RegistryModule } from './app.module';
import { loadRegistryConfig } from './registry.config';

startOrExit('registry', async () => {
  const config = loadRegistryConfig();
  const store = artifactStoreFromEnv(process.env, { service: 'registry' });
  await runService(RegistryModule.forRoot(config, store), {
    service: 'registry',
    httpHost: config.httpHost,
    httpPort: config.httpPort,
    jsonBodyLimit: config.maxBodyBytes,
    configure: (app) => {
      const express = app as NestExpressApplication;
      // Artifact uploads: Content-Type application/octet-stream arrives as a Buffer.
      express.useBodyParser('raw', { limit: config.maxArtifactBytes });
      const document = SwaggerModule.createDocument(
        app,
        new DocumentBuilder()
          .setTitle('Continuum model registry')
          .setDescription(
            'Models, versions, stages and their audit trail, event-sourced on ct.model-versions. Mutating calls need Authorization: Bearer <REGISTRY_API_TOKEN>.',
          )
          .setVersion('1')
          .addBearerAuth()
          .build(),
      );
      SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'openapi.json' });
    },
  });
});
