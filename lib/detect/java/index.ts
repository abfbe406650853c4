/**
 * JVM services built with Maven or Gradle (Java or Kotlin sources; the language stays `java`, the image is
 * a JRE). The deployable module of a multi-module build is the one with a main class (or the Spring Boot or
 * application plugin); aggregator roots and libraries are not services. Spring Boot services get their
 * port, context path and health route (actuator or their own controller), settings (placeholders, @Value,
 * relaxed binding), datastores and Flyway/Liquibase migrations from their build and configuration.
 */
import path from 'node:path';
import type { DatastoreEngine, Framework, ServiceCommands } from '../../catalog/service.js';
import { compareText } from '../../order.js';
import type { DetectContext, ServiceDetector } from '../context.js';
import { nestedManifestFolders } from '../context.js';
import { evidence } from '../evidence.js';
import { RepoIndex } from '../repo-index.js';
import { toServiceName } from '../service-name.js';
import type { DetectedService, Evidence } from '../types.js';
import { asPort, isSecretName, SettingsCollector } from '../values.js';
import { appliedPlugin, hasDependency, javaVersionNumber, maxJdkForGradle, runtimeDependencies, type Declared, type JvmBuild } from './build.js';
import { gradleBuildFile, gradleRootOf, gradleWrapperVersion, readGradle } from './gradle.js';
import { mavenWrapperVersion, readMaven } from './maven.js';
import { findCodeSettings, findJavaHealthRoutes, jvmSource, type JvmSource } from './sources.js';
import { placeholders, relaxedEnvName, SpringConfig, type ConfigEntry } from './spring-config.js';
import { relativePath } from '../../repo-paths.js';

const webDependency =
  /^(org\.springframework\.boot:spring-boot-starter-(web|webflux|webmvc|jersey|websocket|graphql|thymeleaf|mustache|freemarker)|com\.netflix\.graphql\.dgs:graphql-dgs-spring-(boot|graphql)-starter|jakarta\.servlet:|javax\.servlet:|jakarta\.ws\.rs:|javax\.ws\.rs:|io\.quarkus:quarkus-(rest|resteasy|vertx-http|undertow|reactive-routes)|io\.micronaut:micronaut-http-server|io\.javalin:|com\.sparkjava:|io\.vertx:vertx-web|io\.dropwizard:dropwizard-core|io\.helidon\.webserver:|io\.ktor:ktor-server)/;

const datastoreDependencies: [DatastoreEngine | 'embedded', RegExp][] = [
  ['postgres', /^(org\.postgresql:(postgresql|r2dbc-postgresql)|io\.r2dbc:r2dbc-postgresql|com\.impossibl\.pgjdbc-ng:|io\.vertx:vertx-pg-client|io\.quarkus:quarkus-jdbc-postgresql)$/],
  ['mysql', /^(com\.mysql:mysql-connector-j|mysql:mysql-connector-java|org\.mariadb\.jdbc:mariadb-java-client|io\.asyncer:r2dbc-mysql|dev\.miku:r2dbc-mysql|org\.mariadb:r2dbc-mariadb|io\.quarkus:quarkus-jdbc-(mysql|mariadb))$/],
  ['mongodb', /^(org\.springframework\.boot:spring-boot-starter-data-mongodb(-reactive)?|org\.mongodb:mongodb-driver-[\w-]+|io\.quarkus:quarkus-mongodb-[\w-]+)$/],
  ['redis', /^(org\.springframework\.boot:spring-boot-starter-data-redis(-reactive)?|redis\.clients:jedis|io\.lettuce:lettuce-core|org\.redisson:redisson[\w-]*|org\.springframework\.session:spring-session-data-redis|io\.quarkus:quarkus-redis-client)$/],
  ['embedded', /^(com\.h2database:h2|org\.hsqldb:hsqldb|org\.apache\.derby:derby|org\.xerial:sqlite-jdbc)$/],
];

const urlEngines: [DatastoreEngine, RegExp][] = [
  ['postgres', /^(jdbc:|r2dbc:)?postgres(ql)?:/],
  ['mysql', /^(jdbc:|r2dbc:)?(mysql|mariadb):/],
  ['mongodb', /^mongodb(\+srv)?:/],
  ['redis', /^rediss?:/],
];

const embeddedUrl = /^jdbc:(h2|hsqldb|derby|sqlite):|^r2dbc:h2:/;

/** Properties whose literal values a deployment must be able to override: connection settings. */
const connectionKeys = /^spring\.(datasource|r2dbc)\.(url|username|password)$|^spring\.data\.mongodb\.uri$|^spring\.(data\.)?redis\.(url|host|password)$/;

const ciFiles = (index: RepoIndex): string[] =>
  [...index.filesUnder('.github/workflows'), '.gitlab-ci.yml', 'Jenkinsfile', '.circleci/config.yml', 'azure-pipelines.yml', 'bitbucket-pipelines.yml'].filter((file) => index.has(file));

/** With both a pom.xml and a Gradle build: the tool CI runs, else Maven. */
const chooseTool = (context: DetectContext): { tool: 'maven' | 'gradle'; why: string } => {
  const texts = ciFiles(context.index).map((file) => context.index.read(file) ?? '').join('\n');
  const maven = /\bmvnw?\b/.test(texts);
  const gradle = /\bgradlew?\b/.test(texts);
  if (gradle && !maven) return { tool: 'gradle', why: 'CI runs Gradle' };
  if (maven && !gradle) return { tool: 'maven', why: 'CI runs Maven' };
  return { tool: 'maven', why: maven ? 'CI runs both; Maven chosen' : 'CI names neither; Maven chosen' };
};

/** The folder of the outermost build this one belongs to (where the wrapper and the reactor live). */
const buildRoot = (build: JvmBuild): JvmBuild => (build.parent ? buildRoot(build.parent) : build);

const wrapperFolder = (context: DetectContext, folder: string, root: string, script: string): string | undefined =>
  [folder, root, '.'].find((candidate) => context.index.has(RepoIndex.join(candidate, script)));


interface Shape {
  build: JvmBuild;
  root: string;
  /** `./mvnw`, `mvn`, `./gradlew`, `gradle` or `../gradlew`: how commands start from the service folder. */
  runner: string;
  /** `-f ../pom.xml -pl :api -am` or `:api:` for a module of a multi-module build, '' for a single-module one. */
  moduleArgs: string;
  springBoot: boolean;
}

const commandsOf = (shape: Shape): ServiceCommands => {
  const { build, runner, moduleArgs, springBoot } = shape;
  if (build.tool === 'maven') {
    const pl = moduleArgs ? ` ${moduleArgs}` : '';
    const lint = build.plugins.find((plugin) => /:(spotless-maven-plugin|maven-checkstyle-plugin|spring-javaformat-maven-plugin)$/.test(plugin.id));
    const lintGoal = lint ? { 'spotless-maven-plugin': 'spotless:check', 'maven-checkstyle-plugin': 'checkstyle:check', 'spring-javaformat-maven-plugin': 'spring-javaformat:validate' }[lint.id.split(':')[1]] : undefined;
    return {
      install: `${runner} -B${pl} dependency:go-offline`,
      build: `${runner} -B${pl} -DskipTests package`,
      test: `${runner} -B${pl} verify`,
      ...(lintGoal ? { lint: `${runner} -B${pl} ${lintGoal}` } : {}),
    };
  }
  const task = (name: string) => `${moduleArgs}${name}`;
  const lint = appliedPlugin(build, /^com\.diffplug\.spotless$/) ? 'spotlessCheck' : appliedPlugin(build, /^checkstyle$/) ? 'checkstyleMain' : undefined;
  return {
    install: `${runner} --no-daemon ${task('dependencies')}`,
    build: `${runner} --no-daemon ${task(springBoot ? 'bootJar' : 'build')} -x test`,
    test: `${runner} --no-daemon ${task('test')}`,
    ...(lint ? { lint: `${runner} --no-daemon ${task(lint)}` } : {}),
  };
};

/** The jar (or war) the build writes, relative to the service folder, when its name can be known. */
const archiveOf = (build: JvmBuild): Declared | undefined => {
  if (build.tool === 'maven') {
    const extension = build.packaging === 'war' ? 'war' : 'jar';
    const base = build.archiveName?.value ?? (build.name && build.version ? `${build.name}-${build.version}` : undefined);
    if (!base || base.includes('${')) return { value: 'target', evidence: evidence(build.file, 'Maven writes the application archive to target/') };
    return { value: `target/${base}.${extension}`, evidence: build.archiveName?.evidence ?? evidence(build.file, `artifactId ${build.name}, version ${build.version}`) };
  }
  if (build.archiveName) return { value: `build/libs/${build.archiveName.value}`, evidence: build.archiveName.evidence };
  if (!build.name) return { value: 'build/libs', evidence: evidence(build.file, "Gradle writes jars to build/libs; the project's name (and so the jar's) is the checkout folder's") };
  return { value: `build/libs/${build.name}${build.version ? `-${build.version}` : ''}.jar`, evidence: evidence(build.file, `project ${build.name}${build.version ? `, version ${build.version}` : ''}`) };
};

const readSources = (context: DetectContext, folder: string): JvmSource[] =>
  context.index
    .sourceFiles(folder, ['.java', '.kt'], nestedManifestFolders(context, folder))
    .filter((file) => /(^|\/)src\/main\/(java|kotlin)\//.test(file))
    .map((file) => jvmSource(file, context.index.read(file) ?? ''));

const mainClassOf = (sources: readonly JvmSource[]): { file: string; evidence: Evidence } | undefined => {
  for (const source of sources) {
    const match = /@SpringBootApplication\b|@QuarkusMain\b|\bpublic\s+static\s+void\s+main\s*\(|^\s*fun\s+main\s*\(/m.exec(source.code);
    if (match) return { file: source.file, evidence: evidence(source.file, match[0].trim().startsWith('@') ? match[0].trim() : 'main method', source.text, match.index) };
  }
  return undefined;
};

const entryEvidence = (entry: ConfigEntry, note: string): Evidence => ({ file: entry.file, line: entry.line, note });

interface SpringFacts {
  port?: { value: number; evidence: Evidence };
  healthPath?: { value: string; evidence: Evidence };
}

const springPortAndHealth = (name: string, config: SpringConfig, build: JvmBuild, sources: readonly JvmSource[], context: DetectContext): SpringFacts => {
  const facts: SpringFacts = {};
  const portEntry = config.value('server.port');
  if (portEntry) {
    const placeholder = placeholders(portEntry.value)[0];
    const port = asPort(portEntry.value) ?? asPort(placeholder?.default);
    if (port) facts.port = { value: port, evidence: entryEvidence(portEntry, `server.port=${portEntry.value}`) };
  }
  facts.port ??= { value: 8080, evidence: evidence(build.file, "Spring Boot's default port 8080 (no server.port in the configuration)") };
  const contextEntry = config.value('server.servlet.context-path') ?? config.value('server.context-path') ?? config.value('spring.webflux.base-path');
  const contextPath = contextEntry ? contextEntry.value.replace(/\$\{[^}:]*:?([^}]*)\}/g, '$1') : '';

  const actuator = hasDependency(build, /^org\.springframework\.boot:spring-boot-(starter-)?actuator(-autoconfigure)?$/);
  const healthDisabled = /^false$/i.test(config.value('management.endpoint.health.enabled')?.value ?? config.value('management.endpoint.health.access')?.value.replace(/^none$/i, 'false') ?? '');
  if (actuator && !healthDisabled) {
    const managementPort = config.value('management.server.port');
    const separate = managementPort && managementPort.value !== portEntry?.value && !/^-1$/.test(managementPort.value);
    const basePath = config.value('management.endpoints.web.base-path')?.value ?? '/actuator';
    const mapped = config.value('management.endpoints.web.path-mapping.health')?.value ?? 'health';
    const prefix = separate ? (config.value('management.server.base-path')?.value ?? config.value('management.server.servlet.context-path')?.value ?? '') : contextPath;
    const full = `/${[prefix, basePath, mapped].map((part) => part.replace(/^\/+|\/+$/g, '')).filter(Boolean).join('/')}`;
    facts.healthPath = { value: full, evidence: { ...actuator.evidence, note: `spring-boot-starter-actuator: health at ${full}${contextPath && !separate ? ` (context path ${contextPath})` : ''}` } };
    if (separate) context.notes.push(`${name}: the actuator listens on its own port (management.server.port=${managementPort.value}, ${managementPort.file}:${managementPort.line}); health probes must use that port, not ${facts.port.value}`);
    return facts;
  }
  const routes = findJavaHealthRoutes(sources, contextPath);
  const best = routes.reduce<(typeof routes)[number] | undefined>((chosen, route) => (!chosen || route.rank < chosen.rank ? route : chosen), undefined);
  const readiness = routes.find((route) => route.rank === 3 && route !== best);
  if (best && readiness && best.rank < 3) context.notes.push(`${name}: health probe ${best.path} (liveness); ${readiness.path} is its readiness route (${readiness.evidence.file}:${readiness.evidence.line})`);
  if (best) facts.healthPath = { value: best.path, evidence: best.evidence };
  // Without one, the stack model notes that probes check the port (for every service, detected or not).
  return facts;
};

const springSettings = (config: SpringConfig, sources: readonly JvmSource[]): SettingsCollector => {
  const collector = new SettingsCollector();
  const portKeys = /^(server|management\.server)\.port$/;
  const defined = (key: string) => config.value(key) ?? config.deployedEntries().find((entry) => entry.key === key);
  for (const entry of config.deployedEntries()) {
    if (portKeys.test(entry.key)) continue;
    for (const placeholder of placeholders(entry.value)) {
      const envStyle = /^[A-Z][A-Z0-9_]*$/.test(placeholder.name);
      const target = envStyle ? undefined : defined(placeholder.name);
      if (target && placeholders(target.value).length > 0) continue;
      const name = envStyle ? placeholder.name : relaxedEnvName(placeholder.name);
      const fallback = placeholder.default ?? (target ? target.value : undefined);
      // The property's own name counts when the placeholder is its whole value (url: ${DATABASE_URL}),
      // not for a fragment of it (the host in jdbc:postgresql://${DB_HOST}/...).
      const whole = entry.value.trim().startsWith('${') && entry.value.trim().endsWith('}') && placeholders(entry.value).length === 1;
      const secret = isSecretName(name) || (whole && isSecretName(entry.key.replace(/[.-]/g, '_')));
      collector.add(name, entryEvidence(entry, `${entry.key}=${entry.value}`), { ...(fallback !== undefined ? { default: fallback } : {}), secret });
    }
  }
  for (const setting of findCodeSettings(sources)) {
    if (setting.env || /^[A-Z][A-Z0-9_]*$/.test(setting.property)) {
      collector.add(setting.property, setting.evidence, setting.default !== undefined ? { default: setting.default } : {});
      continue;
    }
    const target = defined(setting.property);
    if (target && placeholders(target.value).length > 0) continue;
    const fallback = target ? target.value : setting.default;
    collector.add(relaxedEnvName(setting.property), target ? entryEvidence(target, `${setting.property}=${target.value}; read by ${setting.evidence.file}:${setting.evidence.line}`) : setting.evidence, fallback !== undefined ? { default: fallback } : {});
  }
  // Connection settings written literally: the deployment overrides them through relaxed binding.
  for (const entry of config.entries.filter((candidate) => candidate.profile === '' && connectionKeys.test(candidate.key))) {
    if (placeholders(entry.value).length > 0 || !config.value(entry.key) || config.value(entry.key) !== entry) continue;
    const name = relaxedEnvName(entry.key);
    const embedded = embeddedUrl.test(entry.value);
    collector.add(name, entryEvidence(entry, `${entry.key} is a literal: override it with ${name}`), { default: entry.value, secret: !embedded && (/password/.test(entry.key) || /url|uri/.test(entry.key)) });
  }
  // Profiles that pick the database: SPRING_PROFILES_ACTIVE is a deployment setting.
  const databaseProfiles = config
    .profiles()
    .filter((profile) => config.deployedEntries().some((entry) => entry.profile === profile && /^spring\.(datasource|r2dbc|data\.mongodb|data\.redis)\./.test(entry.key)));
  if (databaseProfiles.length > 0 || config.production) {
    const active = config.entries.find((entry) => entry.profile === '' && entry.key.startsWith('spring.profiles.active'));
    const first = config.entries.find((entry) => entry.profile === (databaseProfiles[0] ?? config.production));
    const where = active ? entryEvidence(active, `spring.profiles.active=${active.value}`) : entryEvidence(first!, `profile ${first!.profile} selects ${databaseProfiles.length > 0 ? 'the database' : 'the production configuration'}`);
    collector.add('SPRING_PROFILES_ACTIVE', where, active ? { default: active.value } : {});
  }
  return collector;
};

/** The application's own start, for migrations it applies when it starts. */
const appStart = (shape: Shape, archive: Declared | undefined): string =>
  `java -jar ${archive && /\.(jar|war)$/.test(archive.value) ? archive.value : shape.build.tool === 'maven' ? 'target/*.jar' : 'build/libs/*.jar'}`;

/**
 * Schemas Spring Boot creates at start-up without a migration tool: SQL init scripts (spring.sql.init.mode
 * =always) or Hibernate's ddl-auto update/create.
 */
const schemaAtStartup = (shape: Shape, name: string, config: SpringConfig, archive: Declared | undefined, context: DetectContext) => {
  const entries = config.deployedEntries();
  const init = entries.find((entry) => /^spring\.(sql\.init\.mode|datasource\.initialization-mode)$/.test(entry.key) && /^always$/i.test(entry.value));
  const ddl = entries.find((entry) => /^spring\.jpa\.(hibernate\.ddl-auto|properties\.hibernate\.hbm2ddl\.auto)$/.test(entry.key) && /^(update|create|create-drop)$/i.test(entry.value));
  const found = init ?? ddl;
  if (!found) return undefined;
  const what = init ? 'runs its SQL init scripts (schema.sql, data.sql)' : `lets Hibernate ${found.value} the schema`;
  context.notes.push(`${name}: the app ${what} at start-up (${found.file}:${found.line}${found.profile ? `, profile ${found.profile}` : ''}); no separate migration step${/create/i.test(found.value) ? '; ddl-auto create drops existing data' : ''}`);
  return { value: { tool: 'other' as const, command: appStart(shape, archive) }, evidence: entryEvidence(found, `${found.key}=${found.value}: schema applied at start-up`) };
};

const migrationsOf = (shape: Shape, name: string, config: SpringConfig, archive: Declared | undefined, context: DetectContext) => {
  const { build, runner, moduleArgs } = shape;
  const flyway = hasDependency(build, /^org\.flywaydb:flyway-(core|mysql|database-[\w-]+)$/);
  const liquibase = hasDependency(build, /^org\.liquibase:liquibase-core$/);
  const found = flyway ?? liquibase;
  if (!found) return schemaAtStartup(shape, name, config, archive, context);
  const tool = flyway ? ('flyway' as const) : ('liquibase' as const);
  const mavenPlugin = build.plugins.find((plugin) => (flyway ? /:flyway-maven-plugin$/ : /:liquibase-maven-plugin$/).test(plugin.id));
  const gradlePlugin = appliedPlugin(build, flyway ? /^org\.flywaydb\.flyway$/ : /^org\.liquibase\.gradle$/);
  const disabled = /^false$/i.test(config.value(flyway ? 'spring.flyway.enabled' : 'spring.liquibase.enabled')?.value ?? '');
  let command: string;
  if (build.tool === 'maven' && mavenPlugin) command = `${runner} -B${moduleArgs ? ` ${moduleArgs}` : ''} ${flyway ? 'flyway:migrate' : 'liquibase:update'}`;
  else if (build.tool === 'gradle' && gradlePlugin) command = `${runner} --no-daemon ${moduleArgs}${flyway ? 'flywayMigrate' : 'update'}`;
  else command = appStart(shape, archive);
  const plugin = Boolean(mavenPlugin ?? gradlePlugin);
  context.notes.push(
    disabled
      ? `${name}: ${tool} is disabled at start-up (spring.${tool}.enabled=false); migrations run with ${command}`
      : `${name}: Spring Boot runs ${tool === 'flyway' ? 'Flyway' : 'Liquibase'} migrations at start-up${plugin ? `; ${command} runs them alone` : ''}`,
  );
  return { value: { tool, command }, evidence: { ...found.evidence, note: `${found.group}:${found.artifact}${disabled ? '' : ': applied by Spring Boot at start-up'}` } };
};

/** A Java version outside the build files: .java-version, .sdkmanrc (`java=17.0.3-zulu`), .tool-versions. */
const declaredJavaFile = (context: DetectContext, folder: string, root: string): Declared | undefined => {
  for (const file of ['.java-version', '.sdkmanrc', '.tool-versions'].flatMap((name) => [RepoIndex.join(folder, name), RepoIndex.join(root, name)])) {
    const text = context.index.read(file);
    if (text === undefined) continue;
    const match = /^java\s*=\s*(\S+)/m.exec(text) ?? /^java\s+(\S+)/m.exec(text) ?? (/\.java-version$/.test(file) ? /^(\S+)/.exec(text) : null);
    const value = match ? javaVersionNumber(match[1]) : undefined;
    if (match && value) return { value, evidence: evidence(file, `java ${match[1]}`, text, match.index) };
  }
  return undefined;
};

/** Datastores: the drivers and starters the jar ships, and URLs in the deployed configuration. */
const datastoresOf = (build: JvmBuild, config: SpringConfig, name: string, context: DetectContext): Map<DatastoreEngine, Evidence> => {
  const engines = new Map<DatastoreEngine, Evidence>();
  for (const dependency of runtimeDependencies(build)) {
    const engine = datastoreDependencies.find(([, pattern]) => pattern.test(`${dependency.group}:${dependency.artifact}`))?.[0];
    if (engine === 'embedded') {
      const file = /sqlite/.test(dependency.artifact) ? '; the app writes a database file, which needs a persistent volume' : '';
      context.notes.push(`${name}: ${dependency.artifact} (${dependency.evidence.file}) is an embedded database, not a datastore to provision${file}`);
    } else if (engine && !engines.has(engine)) engines.set(engine, dependency.evidence);
  }
  for (const entry of config.deployedEntries()) {
    const value = entry.value.replace(/^\$\{[^}:]*:(.*)\}$/, '$1');
    const engine = urlEngines.find(([, pattern]) => pattern.test(value))?.[0];
    if (engine && !engines.has(engine)) engines.set(engine, entryEvidence(entry, `${entry.key} points at ${engine}`));
  }
  return engines;
};

/** What a build image must respect: a Gradle wrapper too old for new JDKs, Spring Boot 3 on an old Java. */
const buildImageNotes = (build: JvmBuild, name: string, toolVersion: Declared | undefined, runtime: Declared | undefined, context: DetectContext) => {
  const javaMajor = Number((runtime ? javaVersionNumber(runtime.value) : undefined)?.replace(/^1\./, ''));
  if (build.tool === 'gradle' && toolVersion) {
    const max = maxJdkForGradle(toolVersion.value);
    const image = javaMajor > 0 ? Math.min(max ?? javaMajor, javaMajor) : max;
    if (max !== undefined && max < 21) context.notes.push(`${name}: the Gradle wrapper ${toolVersion.value} (${toolVersion.evidence.file}) runs on JDK ${max} at most: build on a JDK ${image} image or upgrade the wrapper`);
  }
  const bootMajor = Number(build.springBootVersion?.value.split('.')[0]);
  if (bootMajor >= 3 && javaMajor > 0 && javaMajor < 17) context.notes.push(`${name}: Spring Boot ${build.springBootVersion!.value} needs Java 17 or newer, but the build declares ${runtime!.value}`);
};

/** A JVM web service without Spring Boot (Quarkus, Micronaut, servlets): its configured port and own health route. */
const plainPortAndHealth = (name: string, config: SpringConfig, build: JvmBuild, sources: readonly JvmSource[], context: DetectContext): SpringFacts => {
  const configured = config.value('quarkus.http.port') ?? config.value('micronaut.server.port');
  const value = asPort(configured?.value) ?? asPort(placeholders(configured?.value ?? '')[0]?.default) ?? 8080;
  const facts: SpringFacts = { port: { value, evidence: configured ? entryEvidence(configured, `${configured.key}=${configured.value}`) : evidence(build.file, 'no port configured: 8080 assumed') } };
  const best = findJavaHealthRoutes(sources, '').sort((a, b) => a.rank - b.rank)[0];
  if (best) facts.healthPath = { value: best.path, evidence: best.evidence };
  return facts;
};

export const detectJavaService: ServiceDetector = (folder, context) => {
  const { index } = context;
  const hasPom = index.has(RepoIndex.join(folder, 'pom.xml'));
  const gradleFile = gradleBuildFile(index, folder);
  if (!hasPom && !gradleFile) return undefined;
  let tool: 'maven' | 'gradle' = hasPom ? 'maven' : 'gradle';
  let bothBuilds: string | undefined;
  if (hasPom && gradleFile) {
    const chosen = chooseTool(context);
    tool = chosen.tool;
    bothBuilds = `both Maven (${RepoIndex.join(folder, 'pom.xml')}) and Gradle (${gradleFile}) builds; ${chosen.why}`;
  }
  const gradleSettings = tool === 'gradle' ? gradleRootOf(index, folder) : undefined;
  const build = tool === 'maven' ? readMaven({ index, folder }) : readGradle({ index, folder, ...(gradleSettings ? { settings: gradleSettings } : {}) });
  if (!build) return undefined;
  const root = tool === 'maven' ? buildRoot(build).folder : (gradleSettings?.folder ?? folder);
  const sources = readSources(context, folder);

  if (build.modules.length > 0 && (build.packaging === 'pom' || (tool === 'gradle' && sources.length === 0))) {
    return { notService: { path: folder, why: `${tool === 'maven' ? 'Maven' : 'Gradle'} multi-module root: it builds its modules (${build.modules.map((module) => relativePath(folder, module)).join(', ')})` } };
  }
  if (tool === 'gradle' && build.plugins.some((plugin) => /^com\.android\.(application|library)$/.test(plugin.id))) {
    return { notService: { path: folder, why: 'Android module: built into an app package, not a server' } };
  }
  if (folder.endsWith('buildSrc') || build.plugins.some((plugin) => /^(java-gradle-plugin|kotlin-dsl|`kotlin-dsl`)$/.test(plugin.id))) {
    return { notService: { path: folder, why: 'Gradle build logic (plugins and conventions), not an application' } };
  }
  const mainClass = mainClassOf(sources);
  const bootPlugin = tool === 'maven' ? build.plugins.find((plugin) => /:spring-boot-maven-plugin$/.test(plugin.id)) : appliedPlugin(build, /^org\.springframework\.boot$/);
  const applicationPlugin = tool === 'gradle' ? appliedPlugin(build, /^(application|com\.github\.johnrengelman\.shadow|com\.gradleup\.shadow|io\.quarkus|io\.micronaut\.application)$/) : build.plugins.find((plugin) => /:(maven-shade-plugin|quarkus-maven-plugin|micronaut-maven-plugin|exec-maven-plugin)$/.test(plugin.id));
  const war = build.packaging === 'war' || (tool === 'gradle' && appliedPlugin(build, /^war$/));
  if (!mainClass && !bootPlugin && !applicationPlugin && !war) {
    return { notService: { path: folder, why: 'JVM library: no main class, no Spring Boot or application plugin' } };
  }

  const springBoot = Boolean(bootPlugin) || Boolean(build.springBootVersion) || runtimeDependencies(build).some((dependency) => dependency.group === 'org.springframework.boot');
  const web = runtimeDependencies(build).find((dependency) => webDependency.test(`${dependency.group}:${dependency.artifact}`));
  const kind = web || war ? 'backend' : 'worker';
  const name = toServiceName(build.name ?? (folder === '.' ? path.basename(index.root) : folder.slice(folder.lastIndexOf('/') + 1)));
  if (bothBuilds) context.notes.push(`${name}: ${bothBuilds}`);
  const evidenceOf: Record<string, Evidence> = {};
  const framework: Framework = springBoot ? 'spring-boot' : 'none';
  evidenceOf.framework = springBoot
    ? (bootPlugin?.evidence ?? build.springBootVersion?.evidence ?? runtimeDependencies(build).find((dependency) => dependency.group === 'org.springframework.boot')!.evidence)
    : (web?.evidence ?? mainClass?.evidence ?? evidence(build.file, 'plain JVM build'));

  // Commands run from the service folder: a module of a multi-module build names the root build and
  // itself (Maven `-f ../pom.xml -pl :artifact -am`, Gradle's absolute task path `:module:bootJar`).
  const script = tool === 'maven' ? 'mvnw' : 'gradlew';
  const wrapper = wrapperFolder(context, folder, root, script);
  const toWrapper = wrapper === undefined ? undefined : relativePath(folder, wrapper);
  const runner = toWrapper === undefined ? (tool === 'maven' ? 'mvn' : 'gradle') : toWrapper === '.' ? `./${script}` : `${toWrapper}/${script}`;
  const module = relativePath(root, folder);
  const moduleArgs =
    module === '.' ? '' : tool === 'maven' ? `-f ${relativePath(folder, root)}/pom.xml -pl :${build.name ?? module.slice(module.lastIndexOf('/') + 1)} -am` : `:${module.replace(/\//g, ':')}:`;
  const shape: Shape = { build, root, runner, moduleArgs, springBoot };
  const commands = commandsOf(shape);

  const toolVersion = wrapper !== undefined ? (tool === 'maven' ? mavenWrapperVersion(index, wrapper) : gradleWrapperVersion(index, wrapper)) : undefined;
  if (toolVersion) evidenceOf.packageManagerVersion = toolVersion.evidence;

  const runtime = build.javaVersion ?? declaredJavaFile(context, folder, root);
  if (runtime) evidenceOf.runtimeVersion = runtime.evidence;

  const config = SpringConfig.read(index, folder);
  let port: number | undefined;
  let healthPath: string | undefined;
  if (kind === 'backend') {
    const facts = (springBoot ? springPortAndHealth : plainPortAndHealth)(name, config, build, sources, context);
    if (facts.port) {
      port = facts.port.value;
      evidenceOf.port = facts.port.evidence;
    }
    if (facts.healthPath) {
      healthPath = facts.healthPath.value;
      evidenceOf.healthPath = facts.healthPath.evidence;
    }
  }

  const engines = datastoresOf(build, config, name, context);
  const uses = [...engines.keys()].sort(compareText);
  for (const engine of uses) evidenceOf[`uses.${engine}`] = engines.get(engine)!;

  const collector = springBoot ? springSettings(config, sources) : new SettingsCollector();
  if (!springBoot) for (const setting of findCodeSettings(sources).filter((candidate) => candidate.env)) collector.add(setting.property, setting.evidence, setting.default !== undefined ? { default: setting.default } : {});
  const { settings, evidence: settingsEvidence } = collector.result();
  Object.assign(evidenceOf, settingsEvidence);
  if (config.production && !config.active.includes(config.production)) {
    const file = config.entries.find((entry) => entry.profile === config.production)!.file;
    context.notes.push(`${name}: set SPRING_PROFILES_ACTIVE=${config.production} in production (${file})`);
  }

  const archive = archiveOf(build);
  if (archive) evidenceOf.buildOutput = archive.evidence;
  const migrations = migrationsOf(shape, name, config, archive, context);
  if (migrations) evidenceOf.migrations = migrations.evidence;

  const lockfile = [RepoIndex.join(folder, 'gradle.lockfile'), RepoIndex.join(root, 'gradle.lockfile')].find((file) => tool === 'gradle' && index.has(file));
  if (lockfile) evidenceOf.lockfile = evidence(lockfile, 'Gradle dependency lock');

  buildImageNotes(build, name, toolVersion, runtime, context);
  return {
    services: [
      {
        name,
        path: folder,
        kind,
        language: 'java',
        framework,
        packageManager: tool,
        ...(toolVersion ? { packageManagerVersion: toolVersion.value } : {}),
        ...(runtime ? { runtimeVersion: runtime.value } : {}),
        ...(port !== undefined ? { port } : {}),
        ...(healthPath !== undefined ? { healthPath } : {}),
        commands,
        ...(root !== folder ? { buildContext: root } : {}),
        ...(lockfile ? { lockfile } : {}),
        ...(archive ? { buildOutput: archive.value } : {}),
        uses,
        ...(settings.length > 0 ? { settings } : {}),
        ...(migrations ? { migrations: migrations.value } : {}),
        evidence: evidenceOf,
      } satisfies DetectedService,
    ],
  };
};

