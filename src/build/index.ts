/**
 * Building `build:` services' images and pushing them to the project's ECR repositories
 * (docs/BUILD.md): the build step, its digest, its builders.
 *
 * @module
 */
export * from './build-clients.js';
export * from './build-images.js';
export * from './build-inputs.js';
export * from './codebuild-builder.js';
export * from './codebuild-resources.js';
export * from './docker-builder.js';
export * from './ecr-repository.js';
export * from './errors.js';
export type * from './image-builder.js';
export * from './select-builder.js';
