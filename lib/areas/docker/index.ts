/**
 * docker: per image (one per service folder), a multi-stage Dockerfile (dependencies, build, a `test`
 * target, a `migrate` target where migrations need one, a minimal non-root runtime), its .dockerignore, and
 * what the image needs beside them (nginx configuration for front ends, a health probe program for
 * distroless and JRE images).
 */
import type { BuildSecret, ImageModel, StackModel } from '../../model/index.js';
import { managedFile } from '../../plan/managed-file.js';
import type { Area, PlannedFile } from '../../plan/types.js';
import { areaName, ownerOf } from './common.js';
import { planFrontEnds } from './front-ends.js';
import { planFrontend } from './frontend.js';
import { planGoService } from './go.js';
import { planIgnore } from './ignore.js';
import { planJavaService } from './java.js';
import { planJavaScriptService } from './javascript.js';
import { planPythonService } from './python.js';

const file = managedFile(areaName);

/** Build secrets of the image and of the front ends built in it, each once (they share ids such as npmrc). */
const secretsOf = (image: ImageModel): BuildSecret[] => {
  const all = [...image.buildSecrets, ...image.frontEnds.flatMap((frontEnd) => frontEnd.build.buildSecrets)];
  return all.filter((secret, position) => all.findIndex((other) => other.id === secret.id) === position);
};

const planImageFiles = (model: StackModel, image: ImageModel): PlannedFile[] => {
  // Every Dockerfile may build front ends its service serves (none for most images).
  const dockerfile = (template: string, data: Record<string, unknown>) =>
    file(image.dockerfile, template, { ...data, frontEnds: planFrontEnds(image), secrets: secretsOf(image) });
  const ignore = file(image.dockerignore, 'dockerignore.ejs', planIgnore(image));
  switch (image.family) {
    case 'node':
    case 'bun':
      return [dockerfile('node.Dockerfile.ejs', planJavaScriptService(model, image)), ignore];
    case 'python':
      return [dockerfile('python.Dockerfile.ejs', planPythonService(model, image)), ignore];
    case 'go':
    case 'java': {
      const planned = image.family === 'go' ? planGoService(model, image) : planJavaService(model, image);
      return [
        dockerfile(`${image.family}.Dockerfile.ejs`, planned.dockerfile),
        ignore,
        ...planned.probeFiles.map((probe) => file(probe.path, probe.template, probe.data)),
      ];
    }
    case 'nginx': {
      const frontend = planFrontend(model, image);
      return [dockerfile('frontend.Dockerfile.ejs', frontend.dockerfile), ignore, ...frontend.nginxFiles.map((nginx) => file(nginx.path, nginx.template, nginx.data))];
    }
  }
};

const nextSteps = (model: StackModel): string[] =>
  model.images.flatMap((image) => {
    const owner = ownerOf(model, image);
    const steps: string[] = [];
    if (image.family === 'nginx' && owner.source.language === 'node') {
      steps.push(
        `${owner.name}: to read API_URL at run time, load <script src="/config.js"></script> before the application in index.html and use window.__APP_CONFIG__.apiUrl`,
      );
    }
    if (!image.packageManager.lockfile && image.source.language === 'node') {
      steps.push(`${owner.name}: commit a lockfile so that image builds install exactly the versions you tested`);
    }
    return steps;
  });

export const dockerArea: Area = {
  name: areaName,
  description: 'Multi-stage, non-root Dockerfiles with a test target, .dockerignore files and the nginx configuration of front ends',
  reads: ['name', 'services', 'registry'],
  plan: (model) => model.images.flatMap((image) => planImageFiles(model, image)),
  nextSteps,
};
