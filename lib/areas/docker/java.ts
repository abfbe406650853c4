/**
 * Java images: Maven or Gradle (their wrappers when the project has them, on the JDK of the project's
 * Java version) with cached dependencies, the application jar (Spring Boot's split into layers), and a JRE
 * runtime of the same version with container-aware memory.
 */
import { type ImageModel, type StackModel, usesBuildWrapper } from '../../model/index.js';
import type { JavaTrack } from '../../versions/index.js';
import { cacheMount, commonData, envPairs, ownerOf, secretMount, trackImage } from './common.js';
import { planJavaProbe } from './probe.js';

/** Whether the image builds with the project's Maven or Gradle wrapper. */
export const usesWrapper = (image: ImageModel): boolean => usesBuildWrapper(image.source);

/** A module of a multi-module build: its build files and wrapper sit at the root of the build context. */
const isModule = (image: ImageModel) => image.folderInContext !== '.';

const maven = (image: ImageModel, track: JavaTrack) => {
  const wrapper = usesWrapper(image);
  const mvn = wrapper ? './mvnw' : 'mvn';
  return {
    // The wrapper downloads the Maven it pins; the JDK image is all it needs.
    image: trackImage(wrapper ? track.jdk : track.maven),
    env: [] as string[],
    copies: [
      { source: 'pom.xml', target: './' },
      ...(wrapper ? [{ source: 'mvnw', target: './' }, { source: '.mvn', target: './.mvn/' }] : []),
    ],
    manifestSelection: `\\( -name pom.xml -o -name mvnw -o -path './.mvn/*' \\)`,
    mounts: [cacheMount('/root/.m2/repository'), ...image.buildSecrets.map(secretMount)],
    install: image.commands.install ?? `${mvn} -B dependency:go-offline`,
    build: image.commands.build ?? `${mvn} -B -DskipTests package`,
    test: image.commands.test,
    output: 'target',
  };
};

const gradle = (image: ImageModel, track: JavaTrack) => {
  const wrapper = usesWrapper(image);
  const command = wrapper ? './gradlew' : 'gradle';
  const jarTask = image.source.framework === 'spring-boot' ? 'bootJar' : 'build';
  return {
    image: trackImage(wrapper ? track.jdk : track.gradle),
    env: ['GRADLE_USER_HOME=/root/.gradle'],
    copies: [
      { source: 'build.gradle* settings.gradle* gradle.properties*', target: './' },
      { source: 'gradl[e]', target: './gradle/' },
      { source: 'buildSr[c]', target: './buildSrc/' },
      ...(wrapper ? [{ source: 'gradlew', target: './' }] : []),
    ],
    manifestSelection: `\\( -name 'build.gradle*' -o -name 'settings.gradle*' -o -name gradle.properties -o -name gradlew -o -path './gradle/*' -o -path './buildSrc/*' \\)`,
    mounts: [cacheMount('/root/.gradle/caches'), cacheMount('/root/.gradle/wrapper'), ...image.buildSecrets.map(secretMount)],
    install: image.commands.install ?? `${command} --no-daemon dependencies`,
    build: image.commands.build ?? `${command} --no-daemon ${jarTask} -x test`,
    test: image.commands.test,
    output: 'build/libs',
  };
};

export const planJavaService = (model: StackModel, image: ImageModel) => {
  const owner = ownerOf(model, image);
  const track = image.runtime!.track as JavaTrack;
  const tool = image.packageManager.name === 'gradle' ? gradle(image, track) : maven(image, track);
  const probe = model.services.some((service) => image.services.includes(service.name) && service.probe) ? planJavaProbe(image) : undefined;
  const framework = owner.kind === 'worker' ? 'worker' : owner.framework === 'none' ? 'plain Java' : owner.framework;
  // The jar the build writes: the one the project's build names, else the one jar in the tool's output folder.
  const jar = image.buildOutput?.endsWith('.jar') ? image.buildOutput : undefined;
  return {
    dockerfile: {
      ...commonData(model, image, `Java ${track.version} ${owner.kind} (${framework}; ${image.packageManager.name}) on a JRE`),
      tool,
      module: isModule(image),
      jar,
      runtimeImage: trackImage(track.jre),
      springBoot: owner.framework === 'spring-boot',
      probeSource: probe?.sourceInContext,
      env: envPairs(owner.environment),
    },
    probeFiles: probe?.files ?? [],
  };
};
