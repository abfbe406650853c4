/** A Java service built with Maven or Gradle; Spring Boot is recognised by its plugin or parent. */
import path from 'node:path';
import type { PackageManager, ServiceCommands } from '../../catalog/service.js';
import { exists, readText } from '../repo-files.js';
import { asPort, findDatastores, findHealthPath, findPortInEnv, sourceFiles } from '../source-hints.js';
import { toServiceName } from '../service-name.js';
import type { DetectedService } from '../types.js';

const commandsOf = (manager: PackageManager, dir: string, isSpringBoot: boolean): ServiceCommands => {
  if (manager === 'maven') {
    const mvn = exists(path.join(dir, 'mvnw')) ? './mvnw' : 'mvn';
    return {
      install: `${mvn} -B dependency:go-offline`,
      build: `${mvn} -B -DskipTests package`,
      test: `${mvn} -B verify`,
    };
  }
  const gradle = exists(path.join(dir, 'gradlew')) ? './gradlew' : 'gradle';
  // bootJar only exists where the Spring Boot plugin is applied; plain Gradle projects build their jar.
  const jarTask = isSpringBoot ? 'bootJar' : 'build';
  return {
    install: `${gradle} --no-daemon dependencies`,
    build: `${gradle} --no-daemon ${jarTask} -x test`,
    test: `${gradle} --no-daemon test`,
  };
};

/** server.port from application.properties or application.yml (simple two-level YAML form). */
const springPort = (dir: string): number | undefined => {
  const resources = path.join(dir, 'src', 'main', 'resources');
  const properties = readText(path.join(resources, 'application.properties'));
  const fromProperties = properties?.match(/^\s*server\.port\s*[=:]\s*\$?\{?(?:PORT:)?(\d{2,5})/m)?.[1];
  const yaml = readText(path.join(resources, 'application.yml')) ?? readText(path.join(resources, 'application.yaml'));
  const fromYaml = yaml?.match(/^server:\s*\n(?:\s+.*\n)*?\s+port:\s*\$?\{?(?:PORT:)?(\d{2,5})/m)?.[1];
  return asPort(fromProperties) ?? asPort(fromYaml);
};

export const detectJavaService = (dir: string, relativePath: string): Omit<DetectedService, 'evidence'> | undefined => {
  const pom = readText(path.join(dir, 'pom.xml'));
  const gradleBuild = readText(path.join(dir, 'build.gradle')) ?? readText(path.join(dir, 'build.gradle.kts'));
  if (pom === undefined && gradleBuild === undefined) return undefined;
  const manager: PackageManager = pom !== undefined ? 'maven' : 'gradle';
  const build = pom ?? gradleBuild ?? '';
  const isSpringBoot = /spring-boot/.test(build) || /org\.springframework\.boot/.test(build);
  const artifactId = pom?.replace(/<parent>[\s\S]*?<\/parent>/, '').match(/<artifactId>([^<]+)<\/artifactId>/)?.[1];
  const settings = readText(path.join(dir, 'settings.gradle')) ?? readText(path.join(dir, 'settings.gradle.kts'));
  const settingsName = settings?.match(/rootProject\.name\s*=\s*['"]([^'"]+)/)?.[1];
  // Java packages nest deep (src/main/java/com/acme/app/web/): search further than the default depth.
  const files = sourceFiles(path.join(dir, 'src', 'main'), ['.java', '.kt'], 8);
  const hasActuator = /spring-boot-starter-actuator/.test(build);
  return {
    name: toServiceName(artifactId ?? settingsName ?? path.basename(dir)),
    path: relativePath,
    kind: isSpringBoot || /spring-web|javax\.servlet|jakarta\.servlet/.test(build) ? 'backend' : 'worker',
    language: 'java',
    framework: isSpringBoot ? 'spring-boot' : 'none',
    packageManager: manager,
    port: springPort(dir) ?? findPortInEnv(dir) ?? 8080,
    // Spring Boot serves /actuator/health only with the actuator starter; without it that path is a 404.
    healthPath: hasActuator ? '/actuator/health' : (findHealthPath(files) ?? '/healthz'),
    commands: commandsOf(manager, dir, isSpringBoot),
    uses: findDatastores(build.replace(/<artifactId>([^<]+)<\/artifactId>/g, ' "$1" ').replace(/['"]([\w.-]+):([\w.-]+)(:[^'"]*)?['"]/g, ' "$2" '), [dir]),
  };
};
