/**
 * Static front ends built inside the image of the service that serves them (a Go binary that embeds the
 * UI, a FastAPI app that serves it): per front end, its own chain of stages (package manager, lockfile
 * install, build), and the COPY that puts its output where the serving service reads it. The serving
 * image's build context holds the front end's, so every stage builds from the one context.
 */
import path from 'node:path';
import type { EmbeddedFrontEndModel, ImageModel } from '../../model/index.js';
import { frameworkLabel } from './frontend.js';
import { buildCommand, planJavaScriptDependencies } from './node.js';

/** Where the serving image's build context sits in its build stages: every Dockerfile copies it to /app. */
const contextRoot = '/app';

const planFrontEnd = (image: ImageModel, frontEnd: EmbeddedFrontEndModel) => {
  // Static files are the same on every platform: the stages run on the build machine's, never emulated.
  const deps = planJavaScriptDependencies(frontEnd.build, { prefix: `${frontEnd.name}-`, context: frontEnd.contextInHost, buildPlatform: true });
  // The build runs in the front end's own context at /app; an output such as ../server/dist leaves it.
  const output = path.posix.join(contextRoot, frontEnd.output);
  const buildStage = `${frontEnd.name}-build`;
  return {
    name: frontEnd.name,
    summary: `the ${frameworkLabel[frontEnd.build.source.framework] ?? frontEnd.build.source.framework} front end ${image.owner} serves, built with ${deps.label}`,
    deps,
    buildStage,
    build: buildCommand(frontEnd.build, true)!,
    output,
    builtInto: frontEnd.builtInto,
    copy: { source: `${output}/`, target: `${path.posix.join(contextRoot, frontEnd.builtInto)}/` },
  };
};

export type FrontEndStages = ReturnType<typeof planFrontEnd>;

export const planFrontEnds = (image: ImageModel): FrontEndStages[] => image.frontEnds.map((frontEnd) => planFrontEnd(image, frontEnd));
