/**
 * The JVM readers on small throwaway builds: Java versions in every place builds declare them, Spring's
 * configuration (profiles, placeholders, relaxed binding, actuator paths), controller prefixes, multi-module
 * builds and the choice between Maven and Gradle.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { detect } from '../../lib/detect/index.js';
import { maxJdkForGradle } from '../../lib/detect/java/build.js';
import { gradleJavaVersion } from '../../lib/detect/java/gradle.js';
import { annotationPaths } from '../../lib/detect/java/sources.js';
import { placeholders, relaxedEnvName } from '../../lib/detect/java/spring-config.js';
import type { DetectedService } from '../../lib/detect/types.js';
import { tempDir, writeTree } from '../helpers/folders.js';

const repo = (files: Record<string, string>) => writeTree(tempDir('phase4-java-'), files);
const only = (root: string): DetectedService => {
  const { services } = detect(root);
  assert.equal(services.length, 1, JSON.stringify(services.map((service) => service.path)));
  return services[0];
};

const application = 'src/main/java/com/acme/App.java';
const applicationClass = 'package com.acme;\n\n@SpringBootApplication\npublic class App {\n  public static void main(String[] args) { SpringApplication.run(App.class, args); }\n}\n';
const pom = (body: string, parent = '<parent><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-parent</artifactId><version>3.4.1</version></parent>') =>
  `<project>\n  ${parent}\n  <artifactId>shop</artifactId>\n  <version>1.0.0</version>\n${body}\n  <build><plugins><plugin><groupId>org.springframework.boot</groupId><artifactId>spring-boot-maven-plugin</artifactId></plugin></plugins></build>\n</project>\n`;
const deps = (...artifacts: string[]) =>
  `  <dependencies>\n${artifacts.map((artifact) => { const [group, name, scope] = artifact.split(':'); return `    <dependency><groupId>${group}</groupId><artifactId>${name}</artifactId>${scope ? `<scope>${scope}</scope>` : ''}</dependency>`; }).join('\n')}\n  </dependencies>`;
const web = 'org.springframework.boot:spring-boot-starter-web';
const actuator = 'org.springframework.boot:spring-boot-starter-actuator';

describe('java: versions', () => {
  test('Gradle: toolchains in both DSLs, jvmToolchain, sourceCompatibility forms', () => {
    const version = (text: string) => gradleJavaVersion('build.gradle', text)?.value;
    assert.equal(version('java {\n  toolchain {\n    languageVersion = JavaLanguageVersion.of(21)\n  }\n}\n'), '21');
    assert.equal(version('java { toolchain { languageVersion.set(JavaLanguageVersion.of("17")) } }'), '17');
    assert.equal(version('kotlin {\n  jvmToolchain(21)\n}\n'), '21');
    assert.equal(version("sourceCompatibility = '11'\ntargetCompatibility = '11'\n"), '11');
    assert.equal(version('java.sourceCompatibility = JavaVersion.VERSION_17'), '17');
    assert.equal(version('sourceCompatibility = JavaVersion.VERSION_1_8'), '1.8');
    assert.equal(version('// languageVersion = JavaLanguageVersion.of(8)\nsourceCompatibility = 17\n'), '17', 'comments are not read');
  });

  test('Maven: java.version from a parent pom in the repository, compiler plugin release, wrapper version', () => {
    const root = repo({
      'pom.xml': '<project><groupId>com.acme</groupId><artifactId>parent</artifactId><version>2.0.0</version><packaging>pom</packaging><modules><module>app</module></modules><properties><jdk>17</jdk><java.version>${jdk}</java.version></properties></project>',
      'mvnw': '#!/bin/sh\n',
      '.mvn/wrapper/maven-wrapper.properties': 'distributionUrl=https://repo.maven.apache.org/maven2/org/apache/maven/apache-maven/3.9.9/apache-maven-3.9.9-bin.zip\n',
      'app/pom.xml': '<project><parent><groupId>com.acme</groupId><artifactId>parent</artifactId><version>2.0.0</version></parent><artifactId>app</artifactId><build><plugins><plugin><artifactId>maven-shade-plugin</artifactId></plugin></plugins></build></project>',
      'app/src/main/java/com/acme/Main.java': 'package com.acme;\n\npublic class Main {\n  public static void main(String[] args) {}\n}\n',
    });
    const service = only(root);
    assert.equal(service.runtimeVersion, '17');
    assert.equal(service.evidence.runtimeVersion.file, 'pom.xml');
    assert.equal(service.packageManagerVersion, '3.9.9');
    assert.equal(service.kind, 'worker');
    assert.equal(service.buildOutput, 'target/app-2.0.0.jar');
    assert.equal(service.commands.build, '../mvnw -B -f ../pom.xml -pl :app -am -DskipTests package');
    const release = repo({
      'pom.xml': pom('  <properties><release>21</release></properties>\n' + deps(web)).replace('<build><plugins>', '<build><plugins><plugin><artifactId>maven-compiler-plugin</artifactId><configuration><release>${release}</release></configuration></plugin>'),
      [application]: applicationClass,
    });
    assert.equal(only(release).runtimeVersion, '21');
  });

  test('an old Gradle wrapper is a note: it cannot run on new JDKs', () => {
    assert.equal(maxJdkForGradle('7.4'), 17);
    assert.equal(maxJdkForGradle('8.5'), 21);
    assert.equal(maxJdkForGradle('8.4'), 20);
    assert.equal(maxJdkForGradle('6.9.4'), 15);
    const root = repo({
      'build.gradle': "plugins { id 'org.springframework.boot' version '2.6.3' }\nsourceCompatibility = '11'\ndependencies { implementation 'org.springframework.boot:spring-boot-starter-web' }\n",
      'gradle/wrapper/gradle-wrapper.properties': 'distributionUrl=https\\://services.gradle.org/distributions/gradle-7.4-bin.zip\n',
      'gradlew': '#!/bin/sh\n',
      [application]: applicationClass,
    });
    const detection = detect(root);
    assert.equal(detection.services[0].packageManagerVersion, '7.4');
    assert.ok(detection.notes.some((note) => /7\.4 .* runs on JDK 17 at most/.test(note)), detection.notes.join('\n'));
  });
});

describe('java: Spring configuration', () => {
  test('relaxed binding and placeholders', () => {
    assert.equal(relaxedEnvName('jwt.sessionTime'), 'JWT_SESSIONTIME');
    assert.equal(relaxedEnvName('payments.provider.api-key'), 'PAYMENTS_PROVIDER_APIKEY');
    assert.equal(relaxedEnvName('app.hosts[0]'), 'APP_HOSTS_0');
    assert.deepEqual(placeholders('jdbc:postgresql://${DB_HOST:localhost}:5432/${DB_NAME}'), [
      { name: 'DB_HOST', default: 'localhost', offset: 18 },
      { name: 'DB_NAME', offset: 44 },
    ]);
    assert.deepEqual(
      placeholders('${PRIMARY:${FALLBACK:x}}').map((found) => found.name),
      ['PRIMARY', 'FALLBACK'],
    );
  });

  test('the production profile overrides the port; YAML documents activate profiles; test profiles lend nothing', () => {
    const root = repo({
      'pom.xml': pom(deps(web, 'org.postgresql:postgresql:runtime')),
      [application]: applicationClass,
      'src/main/resources/application.yml': 'server:\n  port: 8080\napp:\n  greeting: ${GREETING:hello}\n---\nspring:\n  config:\n    activate:\n      on-profile: prod\nserver:\n  port: ${SERVER_PORT:9000}\nspring.datasource.password: ${DB_PASSWORD}\n',
      'src/main/resources/application-test.yml': 'spring:\n  datasource:\n    password: ${TEST_ONLY_PASSWORD:x}\n',
    });
    const detection = detect(root);
    const service = detection.services[0];
    assert.equal(service.port, 9000);
    assert.equal(service.evidence.port.line, 11);
    assert.deepEqual(service.settings, [{ name: 'DB_PASSWORD', secret: true }, { name: 'GREETING', default: 'hello' }, { name: 'SPRING_PROFILES_ACTIVE' }]);
    assert.ok(detection.notes.some((note) => note.includes('SPRING_PROFILES_ACTIVE=prod')));
  });

  test('@Value and @ConfigurationProperties read properties: relaxed names, defaults from the configuration', () => {
    const root = repo({
      'pom.xml': pom(deps(web)),
      [application]: applicationClass,
      'src/main/resources/application.properties': 'jwt.secret=change-me\njwt.session-time=86400\nmail.from=${MAIL_FROM:noreply@example.com}\n',
      'src/main/java/com/acme/Jwt.java': 'class Jwt {\n  Jwt(@Value("${jwt.secret}") String secret, @Value("${jwt.session-time}") long ttl, @Value("${mail.from}") String from) {}\n}\n',
      'src/main/kotlin/com/acme/Limits.kt': '@ConfigurationProperties(prefix = "limits")\ndata class Limits(val maxUploadMb: Int = 25, val burst: Int)\n',
      'src/main/java/com/acme/Env.java': 'class Env {\n  String region = System.getenv("AWS_REGION");\n}\n',
    });
    assert.deepEqual(only(root).settings, [
      { name: 'AWS_REGION' },
      { name: 'JWT_SECRET', secret: true },
      { name: 'JWT_SESSIONTIME', default: '86400' },
      { name: 'LIMITS_BURST' },
      { name: 'LIMITS_MAXUPLOADMB', default: '25' },
      { name: 'MAIL_FROM', default: 'noreply@example.com' },
    ]);
  });

  test('actuator: context path and base path apply; a management port is a note and drops the context path', () => {
    const files = (properties: string) => repo({ 'pom.xml': pom(deps(web, actuator)), [application]: applicationClass, 'src/main/resources/application.properties': properties });
    assert.equal(only(files('server.servlet.context-path=/shop\nmanagement.endpoints.web.base-path=/manage\n')).healthPath, '/shop/manage/health');
    assert.equal(only(files('management.endpoints.web.path-mapping.health=healthcheck\n')).healthPath, '/actuator/healthcheck');
    const separate = detect(files('server.port=8080\nserver.servlet.context-path=/shop\nmanagement.server.port=9001\n'));
    assert.equal(separate.services[0].healthPath, '/actuator/health');
    assert.ok(separate.notes.some((note) => /management\.server\.port=9001/.test(note)));
  });

  test('without actuator: class-level @RequestMapping prefixes, Kotlin arrays, no invented route', () => {
    assert.deepEqual(annotationPaths('"/health"'), ['/health']);
    assert.deepEqual(annotationPaths('value = ["/ready", "/readyz"]'), ['/ready', '/readyz']);
    assert.deepEqual(annotationPaths('path = {"/a"}, produces = "text/plain"'), ['/a']);
    assert.deepEqual(annotationPaths(undefined), ['']);
    const controller = repo({
      'pom.xml': pom(deps(web)),
      [application]: applicationClass,
      'src/main/resources/application.properties': 'server.servlet.context-path=/api\n',
      'src/main/java/com/acme/web/OpsController.java':
        'package com.acme.web;\n\n@RestController\n@RequestMapping(value = "/ops")\npublic class OpsController {\n  @RequestMapping(value = "/health", method = RequestMethod.POST)\n  public void reset() {}\n\n  @GetMapping\n  public String index() { return "ops"; }\n\n  @GetMapping(path = "/health")\n  public String health() { return "ok"; }\n}\n',
    });
    assert.equal(only(controller).healthPath, '/api/ops/health');
    const none = detect(repo({ 'pom.xml': pom(deps(web)), [application]: applicationClass }));
    assert.equal(none.services[0].healthPath, undefined);
    assert.ok(!none.notes.some((note) => /no health/.test(note)), 'the note is the stack model\'s, not a second one');
  });
});

describe('java: builds and modules', () => {
  test('Gradle multi-project: the root and a library are not services; the app builds with its task path', () => {
    const root = repo({
      'settings.gradle': "rootProject.name = 'shop'\ninclude 'api', 'libs:money'\n",
      'build.gradle': "plugins { id 'org.springframework.boot' version '3.4.1' apply false }\nsubprojects { apply plugin: 'java' }\n",
      'gradlew': '#!/bin/sh\n',
      'api/build.gradle': "plugins { id 'org.springframework.boot' }\njava { toolchain { languageVersion = JavaLanguageVersion.of(21) } }\ndependencies {\n  implementation project(':libs:money')\n  implementation 'org.springframework.boot:spring-boot-starter-webflux'\n  runtimeOnly 'org.postgresql:r2dbc-postgresql'\n  testImplementation 'org.testcontainers:mysql'\n}\n",
      'api/src/main/kotlin/com/acme/Api.kt': '@SpringBootApplication\nclass Api\n\nfun main(args: Array<String>) { runApplication<Api>(*args) }\n',
      'libs/money/build.gradle': "plugins { id 'java-library' }\n",
      'libs/money/src/main/java/com/acme/Money.java': 'public record Money(long cents) {}\n',
    });
    const detection = detect(root);
    assert.deepEqual(detection.notServices.map((entry) => entry.path), ['.', 'libs/money']);
    const [service] = detection.services;
    assert.equal(service.path, 'api');
    assert.equal(service.buildContext, '.');
    assert.equal(service.runtimeVersion, '21');
    assert.deepEqual(service.uses, ['postgres']);
    assert.equal(service.commands.build, '../gradlew --no-daemon :api:bootJar -x test');
    assert.equal(service.buildOutput, 'build/libs/api.jar');
  });

  test('both Maven and Gradle: the one CI runs, else Maven, and a note either way', () => {
    const files = (ci: string) =>
      repo({
        'pom.xml': pom(deps(web)),
        'build.gradle': "plugins { id 'org.springframework.boot' version '3.4.1' }\ndependencies { implementation 'org.springframework.boot:spring-boot-starter-web' }\n",
        [application]: applicationClass,
        '.github/workflows/ci.yml': `on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ${ci}\n`,
      });
    assert.equal(only(files('./gradlew build')).packageManager, 'gradle');
    const neither = detect(files('make test'));
    assert.equal(neither.services[0].packageManager, 'maven');
    assert.ok(neither.notes.some((note) => /both Maven .* and Gradle/.test(note)));
  });

  test('test-scoped drivers are not datastores; H2 is a note; Flyway with its plugin runs alone', () => {
    const root = repo({
      'pom.xml': pom(deps(web, 'org.flywaydb:flyway-core', 'com.h2database:h2:runtime', 'org.testcontainers:postgresql:test', 'org.postgresql:postgresql:test')).replace(
        '</plugins>',
        '<plugin><groupId>org.flywaydb</groupId><artifactId>flyway-maven-plugin</artifactId></plugin></plugins>',
      ),
      [application]: applicationClass,
    });
    const detection = detect(root);
    assert.deepEqual(detection.services[0].uses, []);
    assert.deepEqual(detection.services[0].migrations, { tool: 'flyway', command: 'mvn -B flyway:migrate' });
    assert.ok(detection.notes.some((note) => /h2 .* embedded database/.test(note)));
  });

  test('buildSrc and Android modules are not services, whatever their sources', () => {
    const root = repo({
      'settings.gradle.kts': 'rootProject.name = "mobile"\ninclude(":app")\n',
      'build.gradle.kts': 'plugins { id("com.android.application") version "8.7.0" apply false }\n',
      'app/build.gradle.kts': 'plugins {\n  id("com.android.application")\n  kotlin("android")\n}\n',
      'app/src/main/kotlin/com/acme/Main.kt': 'fun main() {}\n',
      'buildSrc/build.gradle.kts': 'plugins {\n  `kotlin-dsl`\n}\n',
      'buildSrc/src/main/kotlin/Tool.kt': 'fun main() {}\n',
    });
    const detection = detect(root);
    assert.deepEqual(detection.services, []);
    assert.deepEqual(
      detection.notServices.map((entry) => [entry.path, entry.why.split(':')[0].split(' ')[0]]),
      [
        ['.', 'Gradle'],
        ['app', 'Android'],
        ['buildSrc', 'Gradle'],
      ],
    );
  });

  test('a Spring Boot app without a web starter is a worker', () => {
    const root = repo({ 'pom.xml': pom(deps('org.springframework.boot:spring-boot-starter-amqp')), [application]: applicationClass });
    const service = only(root);
    assert.equal(service.kind, 'worker');
    assert.equal(service.port, undefined);
  });
});
