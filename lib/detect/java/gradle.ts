/**
 * Gradle builds in either DSL (build.gradle, build.gradle.kts): plugins (`id 'x' version 'v'`,
 * `id("x")`, `kotlin("jvm")`, `alias(libs.plugins.x)`, `apply plugin:`), dependencies (string notation,
 * map notation, continuation lines and version-catalog accessors), the Java toolchain or
 * sourceCompatibility, settings.gradle (root name and included projects) and the wrapper's version.
 */
import { blankComments, closingBracket } from '../c-like.js';
import { evidence } from '../evidence.js';
import type { RepoIndex } from '../repo-index.js';
import { RepoIndex as Index } from '../repo-index.js';
import { readToml } from '../toml.js';
import { folderOf } from '../workspaces.js';
import type { Declared, Dependency, JvmBuild, Plugin } from './build.js';

export const gradleBuildFile = (index: RepoIndex, folder: string): string | undefined =>
  ['build.gradle.kts', 'build.gradle'].map((name) => Index.join(folder, name)).find((file) => index.has(file));

export const gradleSettingsFile = (index: RepoIndex, folder: string): string | undefined =>
  ['settings.gradle.kts', 'settings.gradle'].map((name) => Index.join(folder, name)).find((file) => index.has(file));

export interface GradleSettings {
  file: string;
  folder: string;
  rootName?: Declared;
  /** Included project folders, repository-relative. */
  projects: string[];
}

export const readGradleSettings = (index: RepoIndex, folder: string): GradleSettings | undefined => {
  const file = gradleSettingsFile(index, folder);
  if (!file) return undefined;
  const text = index.read(file) ?? '';
  const code = blankComments(text);
  const name = /rootProject\.name\s*=\s*["']([^"']+)["']/.exec(code);
  const projects: string[] = [];
  for (const include of code.matchAll(/\binclude(?:Flat)?\b\s*\(?([^\n)]*)/g)) {
    for (const project of include[1].matchAll(/["']:?([\w.:-]+)["']/g)) projects.push(Index.join(folder, project[1].replace(/:/g, '/')));
  }
  // project(':api').projectDir = file('services/api')
  for (const moved of code.matchAll(/project\s*\(\s*["']:?([\w.:-]+)["']\s*\)\s*\.projectDir\s*=\s*(?:file|File)\s*\(\s*["']([^"']+)["']/g)) {
    const declared = Index.join(folder, moved[1].replace(/:/g, '/'));
    const at = projects.indexOf(declared);
    if (at !== -1) projects[at] = Index.join(folder, moved[2]);
  }
  return { file, folder, ...(name ? { rootName: { value: name[1], evidence: evidence(file, `rootProject.name = "${name[1]}"`, text, name.index) } } : {}), projects };
};

/** The settings file whose build includes `folder` (itself or the nearest ancestor declaring it). */
export const gradleRootOf = (index: RepoIndex, folder: string): GradleSettings | undefined => {
  let current: string | undefined = folder;
  while (current !== undefined) {
    const settings = readGradleSettings(index, current);
    if (settings && (current === folder || settings.projects.includes(folder))) return settings;
    current = current === '.' ? undefined : folderOf(current);
  }
  return undefined;
};

interface Catalog {
  libraries: Map<string, { group: string; artifact: string }>;
  plugins: Map<string, { id: string; version?: string }>;
}

const catalogKey = (alias: string) => alias.replace(/[-_.]/g, '.').toLowerCase();

const readCatalog = (index: RepoIndex, root: string): Catalog => {
  const toml = readToml(index, Index.join(root, 'gradle/libs.versions.toml')) ?? {};
  const versions = (toml.versions ?? {}) as Record<string, unknown>;
  const versionOf = (entry: any): string | undefined =>
    typeof entry?.version === 'string' ? entry.version : typeof entry?.version?.ref === 'string' ? String(versions[entry.version.ref] ?? '') || undefined : typeof entry?.['version.ref'] === 'string' ? String(versions[entry['version.ref']] ?? '') || undefined : undefined;
  const libraries = new Map<string, { group: string; artifact: string }>();
  for (const [alias, entry] of Object.entries((toml.libraries ?? {}) as Record<string, any>)) {
    const coordinates = typeof entry === 'string' ? entry : typeof entry?.module === 'string' ? entry.module : entry?.group && entry?.name ? `${entry.group}:${entry.name}` : undefined;
    const [group, artifact] = (coordinates ?? '').split(':');
    if (group && artifact) libraries.set(catalogKey(alias), { group, artifact });
  }
  const plugins = new Map<string, { id: string; version?: string }>();
  for (const [alias, entry] of Object.entries((toml.plugins ?? {}) as Record<string, any>)) {
    if (typeof entry === 'string') {
      const [id, version] = entry.split(':');
      plugins.set(catalogKey(alias), { id, ...(version ? { version } : {}) });
    } else if (typeof entry?.id === 'string') {
      const version = versionOf(entry);
      plugins.set(catalogKey(alias), { id: entry.id, ...(version ? { version } : {}) });
    }
  }
  return { libraries, plugins };
};

const configurations =
  'implementation|api|compile|runtimeOnly|runtime|compileOnly|developmentOnly|annotationProcessor|kapt|ksp|testImplementation|testRuntimeOnly|testCompileOnly|testFixturesImplementation|\\w+Implementation|\\w+RuntimeOnly|\\w+Api';

const readDependencies = (file: string, text: string, code: string, catalog: Catalog): Dependency[] => {
  const dependencies: Dependency[] = [];
  const add = (group: string, artifact: string, scope: string, offset: number) =>
    dependencies.push({ group, artifact, scope, evidence: evidence(file, `${scope} ${group}:${artifact}`, text, offset) });
  const notation = new RegExp(`\\b(${configurations})\\b\\s*\\(?\\s*(?:(?:platform|enforcedPlatform)\\s*\\(\\s*)?(["'])([^"'\\n]+)\\2`, 'g');
  for (const match of code.matchAll(notation)) {
    const [group, artifact] = match[3].split(':');
    if (group && artifact) add(group, artifact, match[1], match.index!);
    // runtimeOnly 'a:b:1', 'c:d:2' continues on the next lines.
    let rest = match.index! + match[0].length;
    for (let next = /^\s*,\s*(["'])([^"'\n]+)\1/.exec(code.slice(rest)); next; next = /^\s*,\s*(["'])([^"'\n]+)\1/.exec(code.slice(rest))) {
      const [moreGroup, moreArtifact] = next[2].split(':');
      if (moreGroup && moreArtifact) add(moreGroup, moreArtifact, match[1], rest + next.index + next[0].indexOf(next[1]));
      rest += next[0].length;
    }
  }
  const mapNotation = new RegExp(`\\b(${configurations})\\b\\s*\\(?\\s*group\\s*[:=]\\s*["']([^"']+)["']\\s*,\\s*name\\s*[:=]\\s*["']([^"']+)["']`, 'g');
  for (const match of code.matchAll(mapNotation)) add(match[2], match[3], match[1], match.index!);
  const accessor = new RegExp(`\\b(${configurations})\\b\\s*\\(?\\s*(?:(?:platform|enforcedPlatform)\\s*\\(\\s*)?libs\\.([\\w.]+)`, 'g');
  for (const match of code.matchAll(accessor)) {
    const library = catalog.libraries.get(catalogKey(match[2]));
    if (library) add(library.group, library.artifact, match[1], match.index!);
  }
  return dependencies;
};

const kotlinPlugin = (name: string) => `org.jetbrains.kotlin.${name}`;

const readPlugins = (file: string, text: string, code: string, catalog: Catalog): Plugin[] => {
  const plugins: Plugin[] = [];
  const block = /\bplugins\s*\{/.exec(code);
  if (block) {
    const open = block.index + block[0].length - 1;
    const close = closingBracket(code, open);
    const body = code.slice(open, close === -1 ? undefined : close);
    for (const line of body.matchAll(/^[ \t]*(.+)$/gm)) {
      const statement = line[1];
      const offset = open + line.index! + line[0].indexOf(statement);
      const applied = !/\bapply\s*\(?\s*false/.test(statement);
      const version = /\bversion\s*\(?\s*["']([^"']+)["']/.exec(statement)?.[1];
      const id =
        /\bid\s*\(?\s*["']([^"']+)["']/.exec(statement)?.[1] ??
        (/\bkotlin\s*\(\s*["']([^"']+)["']/.exec(statement) ? kotlinPlugin(/\bkotlin\s*\(\s*["']([^"']+)["']/.exec(statement)![1]) : undefined) ??
        /^`?([a-z][\w-]*)`?\s*$/.exec(statement.trim())?.[1];
      const alias = /\balias\s*\(\s*libs\.plugins\.([\w.]+)\s*\)/.exec(statement);
      const fromCatalog = alias ? catalog.plugins.get(catalogKey(alias[1])) : undefined;
      const pluginId = id ?? fromCatalog?.id;
      if (!pluginId) continue;
      const pluginVersion = version ?? fromCatalog?.version;
      plugins.push({ id: pluginId, applied, ...(pluginVersion ? { version: pluginVersion } : {}), evidence: evidence(file, `plugin ${pluginId}${pluginVersion ? ` ${pluginVersion}` : ''}`, text, offset) });
    }
  }
  for (const match of code.matchAll(/\bapply\s*\(?\s*plugin\s*[:=]\s*["']([^"']+)["']/g)) {
    plugins.push({ id: match[1], applied: true, evidence: evidence(file, `apply plugin ${match[1]}`, text, match.index) });
  }
  // buildscript { dependencies { classpath("org.springframework.boot:spring-boot-gradle-plugin:2.7.0") } }
  const classpath = /\bclasspath\s*\(?\s*["']org\.springframework\.boot:spring-boot-gradle-plugin:([^"']+)["']/.exec(code);
  if (classpath) {
    const boot = plugins.find((plugin) => plugin.id === 'org.springframework.boot');
    if (boot && !boot.version) boot.version = classpath[1];
  }
  return plugins;
};

/** The Java version a Gradle script compiles for: toolchain first, then release, sourceCompatibility. */
export const gradleJavaVersion = (file: string, text: string): Declared | undefined => {
  const code = blankComments(text);
  const patterns: [RegExp, (match: RegExpExecArray) => string][] = [
    [/\blanguageVersion\s*(?:=|\.set\s*\(|\.convention\s*\()\s*JavaLanguageVersion\.of\s*\(\s*["']?(\d+)["']?\s*\)/, (match) => match[1]],
    [/\bjvmToolchain\s*\(\s*(\d+)\s*\)/, (match) => match[1]],
    [/\boptions\.release\s*(?:=|\.set\s*\()\s*(\d+)/, (match) => match[1]],
    [/\bsourceCompatibility\s*=\s*(?:JavaVersion\.VERSION_([\d_]+)|JavaVersion\.toVersion\s*\(\s*["']?([\d.]+)["']?\s*\)|["']?([\d.]+)["']?)/, (match) => (match[1] ? match[1].replace(/_/g, '.') : (match[2] ?? match[3]))],
    [/\btargetCompatibility\s*=\s*(?:JavaVersion\.VERSION_([\d_]+)|["']?([\d.]+)["']?)/, (match) => (match[1] ? match[1].replace(/_/g, '.') : match[2])],
    [/\bjvmTarget(?:\.set\s*\(|\s*=)\s*(?:JvmTarget\.JVM_([\d_]+)|["'](\d[\d.]*)["'])/, (match) => (match[1] ? match[1].replace(/_/g, '.') : match[2])],
  ];
  for (const [pattern, value] of patterns) {
    const match = pattern.exec(code);
    if (match) return { value: value(match), evidence: evidence(file, match[0].replace(/\s+/g, ' ').slice(0, 80), text, match.index) };
  }
  return undefined;
};

export interface GradleReadOptions {
  index: RepoIndex;
  folder: string;
  settings?: GradleSettings;
}

export const readGradle = ({ index, folder, settings }: GradleReadOptions): JvmBuild | undefined => {
  const file = gradleBuildFile(index, folder);
  if (!file) return undefined;
  const text = index.read(file) ?? '';
  const code = blankComments(text);
  const root = settings?.folder ?? folder;
  const catalog = readCatalog(index, root);
  const plugins = readPlugins(file, text, code, catalog);
  const dependencies = readDependencies(file, text, code, catalog);
  const versionMatch = /^\s*version\s*=\s*["']([^"']+)["']/m.exec(code);
  const properties = index.read(Index.join(folder, 'gradle.properties')) ?? (root !== folder ? index.read(Index.join(root, 'gradle.properties')) : undefined);
  const version = versionMatch?.[1] ?? (properties ? /^\s*version\s*=\s*(\S+)/m.exec(properties)?.[1] : undefined);
  const name = folder === root ? settings?.rootName?.value : folder.slice(folder.lastIndexOf('/') + 1);

  let javaVersion = gradleJavaVersion(file, text);
  let parent: JvmBuild | undefined;
  if (root !== folder) {
    parent = readGradle({ index, folder: root, settings });
    javaVersion ??= parent?.javaVersion;
  }
  // Convention plugins in buildSrc (buildSrc/src/main/kotlin/java-conventions.gradle.kts) often set the toolchain.
  for (const convention of index.filesUnder(Index.join(root, 'buildSrc/src/main')).filter((candidate) => /\.gradle(\.kts)?$/.test(candidate))) {
    javaVersion ??= gradleJavaVersion(convention, index.read(convention) ?? '');
  }

  const boot = plugins.find((plugin) => plugin.id === 'org.springframework.boot') ?? parent?.plugins.find((plugin) => plugin.id === 'org.springframework.boot');
  const archive = /\barchiveFileName\s*(?:=|\.set\s*\()\s*["']([^"'$]+)["']/.exec(code);
  return {
    tool: 'gradle',
    folder,
    file,
    text,
    ...(name ? { name } : {}),
    ...(version ? { version } : {}),
    dependencies,
    plugins,
    ...(javaVersion ? { javaVersion } : {}),
    ...(boot?.version ? { springBootVersion: { value: boot.version, evidence: boot.evidence } } : {}),
    modules: folder === root ? (settings?.projects ?? []) : [],
    ...(parent ? { parent } : {}),
    ...(archive ? { archiveName: { value: archive[1], evidence: evidence(file, `archiveFileName ${archive[1]}`, text, archive.index) } } : {}),
  };
};

/** The Gradle version the wrapper pins (gradle/wrapper/gradle-wrapper.properties distributionUrl). */
export const gradleWrapperVersion = (index: RepoIndex, folder: string): Declared | undefined => {
  const file = Index.join(folder, 'gradle/wrapper/gradle-wrapper.properties');
  const text = index.read(file);
  const match = text ? /distributionUrl\s*=\s*\S*?gradle-(\d+(?:\.\d+)*(?:-(?:rc|milestone)-\d+)?)-(?:bin|all)\.zip/.exec(text) : undefined;
  return match ? { value: match[1], evidence: evidence(file, `distributionUrl gradle-${match[1]}`, text, match.index) } : undefined;
};
