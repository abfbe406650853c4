/**
 * The language runtime an image carries, read from its name and tag alone: node:22.23.2-trixie-slim is
 * Node 22.23.2, golang:1.27.0-trixie Go 1.27.0, maven:3.9.16-eclipse-temurin-21-noble Java 21,
 * gcr.io/distroless/java21-debian12 Java 21. Undefined when the tag names no version (node:lts, nginx,
 * distroless/static).
 */
export type Language = 'node' | 'bun' | 'python' | 'go' | 'java';

export interface ImageRuntime {
  language: Language;
  /** The version the tag names: 1 to 3 numeric parts (Java: the feature release only). */
  version: string;
}

/** Repository (without registry for Docker Hub, and without `library/`) and tag of an image reference. */
export const splitImage = (reference: string): { repository: string; tag: string } => {
  const withoutDigest = reference.replace(/@sha256:[a-f0-9]+$/, '');
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  const hasTag = colon > slash;
  const repository = (hasTag ? withoutDigest.slice(0, colon) : withoutDigest).replace(/^(docker\.io\/)?(library\/)?/, '');
  return { repository, tag: hasTag ? withoutDigest.slice(colon + 1) : 'latest' };
};

const leadingVersion = (tag: string) => tag.match(/^v?(\d+(?:\.\d+){0,2})(?![\d.])/)?.[1];

const javaIn = (tag: string) => tag.match(/(?:jdk|jre|java|temurin-|corretto-|openjdk-|semeru-|sapmachine-|graalvm-|zulu-|liberica-|open-)-?(\d+)(?![\d])/)?.[1];

export const imageRuntime = (reference: string): ImageRuntime | undefined => {
  const { repository, tag } = splitImage(reference);
  const name = repository.split('/').pop()!;
  const version = leadingVersion(tag);
  if (repository === 'node' || /(^|\/)node$/.test(repository)) return version ? { language: 'node', version } : undefined;
  const distrolessNode = repository.match(/distroless\/nodejs(\d+)/);
  if (distrolessNode) return { language: 'node', version: distrolessNode[1] };
  if (repository === 'oven/bun') return version ? { language: 'bun', version } : undefined;
  if (name === 'python' || repository === 'python') return version ? { language: 'python', version } : undefined;
  if (name === 'golang') return version ? { language: 'go', version } : undefined;
  const distrolessJava = repository.match(/distroless\/java(\d+)/);
  if (distrolessJava) return { language: 'java', version: distrolessJava[1] };
  if (['eclipse-temurin', 'amazoncorretto', 'openjdk', 'sapmachine', 'ibm-semeru-runtimes', 'azul/zulu-openjdk', 'bellsoft/liberica-openjdk-debian'].includes(repository)) {
    const major = tag.match(/^(?:open-)?(\d+)/)?.[1];
    return major ? { language: 'java', version: String(Number(major.split('.')[0])) } : undefined;
  }
  if (name === 'maven' || name === 'gradle') {
    const major = javaIn(tag);
    return major ? { language: 'java', version: major } : undefined;
  }
  return undefined;
};
