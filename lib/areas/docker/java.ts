/**
 * Java images: Maven or Gradle (their wrappers when the project has them) with cached dependencies, the
 * application jar (Spring Boot's split into layers), and a JRE runtime with container-aware memory.
 */
import type { Service } from '../../catalog/service.js';
import type { Config } from '../../plan/types.js';
import { imageRef } from '../../versions/index.js';
import { buildSecrets, cacheMount, commonData, execForm, healthCheck, healthUrl, runtimeUsers, secretMount, servesHttp } from './common.js';
import { planJavaProbe } from './probe.js';

/** `./mvnw` or `./gradlew` when the detected commands use the wrapper (the project pins its tool version). */
export const usesWrapper = (service: Service): boolean =>
  Object.values(service.commands).some((command) => /^\.\/(mvnw|gradlew)\b/.test(command ?? ''));

const maven = (service: Service) => {
  const mvn = usesWrapper(service) ? './mvnw' : 'mvn';
  return {
    image: imageRef('maven'),
    env: [] as string[],
    copies: [
      { source: 'pom.xml', target: './' },
      ...(usesWrapper(service) ? [{ source: 'mvnw', target: './' }, { source: '.mv[n]', target: './.mvn/' }] : []),
    ],
    mounts: [cacheMount('/root/.m2/repository'), secretMount(buildSecrets.mavenSettings)],
    secret: buildSecrets.mavenSettings,
    install: service.commands.install ?? `${mvn} -B dependency:go-offline`,
    build: service.commands.build ?? `${mvn} -B -DskipTests package`,
    test: service.commands.test ?? `${mvn} -B verify`,
    output: 'target',
  };
};

const gradle = (service: Service) => {
  const command = usesWrapper(service) ? './gradlew' : 'gradle';
  const jarTask = service.framework === 'spring-boot' ? 'bootJar' : 'build';
  return {
    image: imageRef('gradle'),
    env: ['GRADLE_USER_HOME=/root/.gradle'],
    copies: [
      { source: 'build.gradle* settings.gradle* gradle.properties*', target: './' },
      { source: 'gradl[e]', target: './gradle/' },
      { source: 'buildSr[c]', target: './buildSrc/' },
      ...(usesWrapper(service) ? [{ source: 'gradlew', target: './' }] : []),
    ],
    mounts: [cacheMount('/root/.gradle/caches'), cacheMount('/root/.gradle/wrapper'), secretMount(buildSecrets.gradleProperties)],
    secret: buildSecrets.gradleProperties,
    install: service.commands.install ?? `${command} --no-daemon dependencies`,
    build: service.commands.build ?? `${command} --no-daemon ${jarTask} -x test`,
    test: service.commands.test ?? `${command} --no-daemon test`,
    output: 'build/libs',
  };
};

export const planJavaService = (config: Config, service: Service) => {
  const tool = service.packageManager === 'gradle' ? gradle(service) : maven(service);
  const probe = servesHttp(service) ? planJavaProbe(service) : undefined;
  const framework = service.kind === 'worker' ? 'worker' : service.framework === 'none' ? 'plain Java' : service.framework;
  const memory = '-XX:MaxRAMPercentage=75.0 -XX:+ExitOnOutOfMemoryError';
  return {
    dockerfile: {
      ...commonData(config, service, `Java ${service.kind} (${framework}; ${service.packageManager}) on a JRE`),
      tool,
      secrets: [tool.secret],
      runtimeImage: imageRef('temurin-jre'),
      springBoot: service.framework === 'spring-boot',
      probeSource: probe?.sourceInContext,
      user: runtimeUsers.app,
      env: [
        `JAVA_TOOL_OPTIONS="${memory}"`,
        ...(servesHttp(service) ? [`PORT=${service.port}`] : []),
        ...(servesHttp(service) && service.framework === 'spring-boot' ? [`SERVER_PORT=${service.port}`] : []),
      ],
      healthCheck: probe
        ? healthCheck(
            ['java', '-Xmx16m', '-XX:TieredStopAtLevel=1', '-cp', '/opt/healthcheck', 'HealthCheck', healthUrl(service)],
            'The JRE image does not promise curl or wget: the HealthCheck class compiled above probes the health path.',
            '60s',
          )
        : undefined,
      cmd: execForm(['java', '-jar', 'app.jar']),
    },
    probeFiles: probe?.files ?? [],
  };
};
