/**
 * What a JVM build declares, read the same way for Maven and Gradle: the project's name and version, its
 * dependencies (test scopes apart) and plugins, the Java version it compiles for, the Spring Boot version,
 * its modules, and the wrapper that pins the build tool.
 */
import type { Evidence } from '../types.js';

export interface Dependency {
  group: string;
  artifact: string;
  /** Maven scope or Gradle configuration, as written. */
  scope: string;
  evidence: Evidence;
}

export interface Plugin {
  id: string;
  /** False for Gradle's `apply false` (declared for subprojects, not applied here). */
  applied: boolean;
  version?: string;
  /** Maven `<configuration>` text, for the settings a plugin carries (compiler release, mainClass). */
  configuration?: string;
  evidence: Evidence;
}

export interface Declared {
  value: string;
  evidence: Evidence;
}

export interface JvmBuild {
  tool: 'maven' | 'gradle';
  folder: string;
  file: string;
  text: string;
  /** Maven artifactId or Gradle project name (settings rootProject.name, else the folder). */
  name?: string;
  version?: string;
  /** Maven packaging (`jar`, `war`, `pom`). */
  packaging?: string;
  dependencies: Dependency[];
  plugins: Plugin[];
  javaVersion?: Declared;
  springBootVersion?: Declared;
  /** Module folders (repository-relative) this build aggregates. */
  modules: string[];
  /** The Maven parent or Gradle root build this one inherits from, when it is in the repository. */
  parent?: JvmBuild;
  /** `bootJar { archiveFileName = "app.jar" }` or Maven `<finalName>`. */
  archiveName?: Declared;
}

/** Test-only dependencies never reach the deployed jar. */
export const isTestScope = (scope: string): boolean => /^test/i.test(scope) || /^(testImplementation|testRuntimeOnly|testCompileOnly|androidTest\w*|integrationTest\w*|testFixtures\w*)$/.test(scope);

export const runtimeDependencies = (build: JvmBuild): Dependency[] => {
  const own = build.dependencies.filter((dependency) => !isTestScope(dependency.scope));
  // A Maven parent's <dependencies> are inherited by its modules.
  const inherited = build.tool === 'maven' && build.parent ? runtimeDependencies(build.parent) : [];
  return [...own, ...inherited];
};

export const hasDependency = (build: JvmBuild, pattern: RegExp): Dependency | undefined =>
  runtimeDependencies(build).find((dependency) => pattern.test(`${dependency.group}:${dependency.artifact}`));

export const appliedPlugin = (build: JvmBuild, pattern: RegExp): Plugin | undefined => build.plugins.find((plugin) => plugin.applied && pattern.test(plugin.id));

/** `11`, `17`, `1.8`: the numeric part of a declared Java version (`17.0.3-zulu` -> `17.0.3`). */
export const javaVersionNumber = (value: string): string | undefined => /^\s*(\d+(?:\.\d+){0,2})/.exec(value.replace(/^temurin-|^openjdk-|^adoptopenjdk-|^zulu-|^corretto-|^graalvm\w*-/, ''))?.[1];

/** The highest JDK each Gradle release runs on (Gradle's compatibility matrix). */
const gradleMaxJdk: [number, number, number][] = [
  [9, 1, 25],
  [8, 14, 24],
  [8, 10, 23],
  [8, 8, 22],
  [8, 5, 21],
  [8, 3, 20],
  [7, 6, 19],
  [7, 5, 18],
  [7, 3, 17],
  [7, 0, 16],
  [6, 7, 15],
  [6, 3, 14],
  [6, 0, 13],
  [5, 4, 12],
  [5, 0, 11],
  [4, 7, 10],
  [4, 3, 9],
];

export const maxJdkForGradle = (version: string): number | undefined => {
  const [major, minor] = version.split(/[.-]/).map(Number);
  if (!Number.isFinite(major)) return undefined;
  const found = gradleMaxJdk.find(([maj, min]) => major > maj || (major === maj && (minor || 0) >= min));
  return found ? found[2] : 8;
};
