/**
 * checkBuild over small synthetic repositories: for each rule, one that passes and one it must reject.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { tempDir, writeTree } from '../helpers/folders.js';
import { type BuildProblem, checkBuild, type Rule } from './index.js';

const check = (files: Record<string, string>, dockerfile = 'Dockerfile', context = '.'): BuildProblem[] =>
  checkBuild({ repo: writeTree(tempDir('buildcheck-'), files), dockerfile, context });

const passes = (files: Record<string, string>, dockerfile?: string, context?: string) => {
  const problems = check(files, dockerfile, context);
  assert.deepEqual(problems, [], problems.map((found) => found.message).join('\n'));
};

/** The problems of `rule`; fails when there are none, or problems of other rules than `rule` and `alsoAllowed`. */
const rejects = (rule: Rule, files: Record<string, string>, dockerfile?: string, context?: string, alsoAllowed: Rule[] = []): BuildProblem[] => {
  const problems = check(files, dockerfile, context);
  const shown = problems.map((found) => `${found.rule}: ${found.message}`).join('\n');
  assert.ok(problems.some((found) => found.rule === rule), `expected a ${rule} problem, got: ${shown || 'none'}`);
  assert.ok(problems.every((found) => found.rule === rule || alsoAllowed.includes(found.rule)), shown);
  // BUILDCHECK_SHOW=1 prints every rejection, to read the messages.
  if (process.env.BUILDCHECK_SHOW) console.log(shown);
  return problems.filter((found) => found.rule === rule);
};

const lines = (...text: string[]) => `${text.join('\n')}\n`;
const nodeApp = { 'package.json': '{"name":"app","scripts":{"start":"node server.js"}}', 'package-lock.json': '{}', 'server.js': 'console.log(1)' };

describe('copy-source', () => {
  test('literal, folder, `.` and multi-source copies of what the context holds pass', () => {
    passes({
      ...nodeApp,
      'src/lib/a.js': '',
      Dockerfile: lines(
        'FROM node:22.12.0-slim',
        'WORKDIR /app',
        'COPY --chown=1000:1000 --chmod=0644 --link package.json package-lock.json ./',
        'COPY src /app/',
        'COPY . .',
        'CMD ["node", "lib/a.js"]',
      ),
    });
  });

  test('a missing source fails, naming the line and the file', () => {
    const [found] = rejects('copy-source', { ...nodeApp, Dockerfile: lines('FROM node:22.12.0-slim', 'COPY package.json missing.txt /app/', 'CMD ["node", "/app/package.json"]') });
    assert.equal(found.line, 2);
    assert.match(found.message, /line 2.*missing\.txt.*does not exist/);
  });

  test('.dockerignore excludes a source, and `!` re-includes another below an excluded folder', () => {
    const files = { ...nodeApp, 'config/secret.env': '', 'config/public.json': '', '.dockerignore': lines('config', '!config/public.json') };
    passes({ ...files, Dockerfile: lines('FROM node:22.12.0-slim', 'COPY config/public.json /app/', 'COPY config /cfg/', 'CMD ["node", "/app/public.json"]') });
    const [found] = rejects('copy-source', { ...files, Dockerfile: lines('FROM node:22.12.0-slim', 'COPY config/secret.env /app/', 'CMD ["sh"]') });
    assert.match(found.message, /config\/secret\.env.*excluded.*\.dockerignore \(pattern "config"\)/);
  });

  test('a Dockerfile-specific ignore file takes precedence over the context one', () => {
    const files = { ...nodeApp, 'docker/app.Dockerfile': lines('FROM node:22.12.0-slim', 'COPY server.js /app/', 'CMD ["sh"]') };
    passes({ ...files, '.dockerignore': 'server.js\n', 'docker/app.Dockerfile.dockerignore': '.git\n' }, 'docker/app.Dockerfile');
    const [found] = rejects('copy-source', { ...files, '.dockerignore': '.git\n', 'docker/app.Dockerfile.dockerignore': '*.js\n' }, 'docker/app.Dockerfile');
    assert.match(found.message, /docker\/app\.Dockerfile\.dockerignore \(pattern "\*\.js"\)/);
  });

  test('a wildcard that matches nothing copies nothing; one whose folder is missing fails', () => {
    passes({ ...nodeApp, Dockerfile: lines('FROM node:22.12.0-slim', 'WORKDIR /app', 'COPY .npmr[c] *.yaml ./', 'COPY . .', 'CMD ["node", "server.js"]') });
    rejects('copy-source', { ...nodeApp, Dockerfile: lines('FROM node:22.12.0-slim', 'COPY patches/*.patch /app/', 'CMD ["sh"]') });
  });

  test('COPY --from a stage takes what a RUN of that stage wrote, and nothing else', () => {
    const go = { 'go.mod': 'module example.com/x\n\ngo 1.26.0\n', 'main.go': 'package main\nfunc main() {}\n' };
    const dockerfile = (build: string, path = '/out/server') =>
      lines(
        'FROM golang:1.27.0 AS build',
        'WORKDIR /src',
        'COPY go.mod ./',
        'RUN go mod download',
        'COPY . .',
        `RUN CGO_ENABLED=0 ${build}`,
        'FROM gcr.io/distroless/static-debian12',
        `COPY --from=build ${path} /app/server`,
        'ENTRYPOINT ["/app/server"]',
      );
    passes({ ...go, Dockerfile: dockerfile('go build -o /out/server .') });
    // The start target that copy would have provided is missing too.
    for (const files of [{ ...go, Dockerfile: dockerfile('go build .') }, { ...go, Dockerfile: dockerfile('go build -o /out/server .', '/out/api') }]) {
      const [found] = rejects('copy-source', files, undefined, undefined, ['start-target']);
      assert.match(found.message, /line 8.*\/out\/(server|api) is not in stage "build"/);
    }
  });

  test('several sources need a folder destination', () => {
    rejects('copy-source', { ...nodeApp, Dockerfile: lines('FROM node:22.12.0-slim', 'COPY package.json server.js /app', 'CMD ["node", "/app"]') });
  });

  test('COPY --parents needs a labs syntax', () => {
    const files = { ...nodeApp, 'a/package.json': '{}', 'b/package.json': '{}' };
    passes({ ...files, Dockerfile: lines('# syntax=docker/dockerfile:1.7-labs', 'FROM node:22.12.0-slim', 'COPY --parents ./*/package.json /app/', 'CMD ["node", "/app/a/package.json"]') });
    rejects('parse', { ...files, Dockerfile: lines('# syntax=docker/dockerfile:1.12', 'FROM node:22.12.0-slim', 'COPY --parents ./*/package.json /app/', 'CMD ["sh"]') });
  });
});

describe('parse', () => {
  test('an unknown instruction and a --from naming no stage nor image are refused; an image --from is fine', () => {
    passes({ Dockerfile: lines('FROM alpine:3.22 AS base', 'COPY --from=busybox:1.37 /bin/busybox /bin/', 'CMD ["sh"]') });
    const problems = rejects('parse', { Dockerfile: lines('FROM alpine:3.22 AS base', 'RUNN echo hi', 'COPY --from=biuld /out /out', 'CMD ["sh"]') });
    assert.deepEqual(problems.map((found) => found.line), [2, 3]);
  });
});

describe('lockfile', () => {
  const npm = (lock: Record<string, string>, install = 'npm ci') => ({
    'package.json': '{"name":"app"}',
    ...lock,
    'server.js': '',
    Dockerfile: lines('FROM node:22.12.0-slim', 'WORKDIR /app', 'COPY package*.json bun.lock* ./', `RUN ${install}`, 'COPY . .', 'CMD ["node", "server.js"]'),
  });

  test('npm ci finds package-lock.json; with only bun.lock it fails; npm install is not reproducible', () => {
    passes(npm({ 'package-lock.json': '{}' }));
    const [found] = rejects('lockfile', npm({ 'bun.lock': '{}' }));
    assert.match(found.message, /line 4.*package-lock\.json or npm-shrinkwrap\.json in \/app.*only bun\.lock \(Bun\)/);
    assert.match(rejects('lockfile', npm({ 'package-lock.json': '{}' }, 'npm install'))[0].message, /not reproducible/);
  });

  test('bind mounts, ARG-expanded bases, here-documents and package.json scripts are read', () => {
    passes({
      'package.json': '{"scripts":{"build":"esbuild src/index.ts --bundle --outfile=dist/server.js"}}',
      'package-lock.json': '{}',
      'src/index.ts': '',
      Dockerfile: lines(
        '# syntax=docker/dockerfile:1.7',
        'ARG NODE=22.12.0',
        'FROM node:${NODE}-slim AS Build',
        'WORKDIR app',
        'RUN --mount=type=bind,source=package.json,target=package.json \\',
        '    --mount=type=bind,source=package-lock.json,target=package-lock.json \\',
        '    npm ci',
        'COPY . .',
        'RUN npm run build',
        'COPY <<EOF /etc/motd',
        'hello',
        'EOF',
        'FROM node:${NODE}-slim',
        'WORKDIR /srv',
        'COPY --from=build /app/dist/ ./dist/',
        'COPY --from=0 /app/node_modules ./node_modules',
        'COPY --from=build /etc/motd /etc/motd',
        'ENTRYPOINT ["node"]',
        'CMD ["dist/server.js"]',
      ),
    });
  });

  test('a lockfile made by a RUN counts where that stage copied the same file from the context', () => {
    const dockerfile = lines(
      'FROM node:22.12.0-slim AS manifests',
      'COPY . /src',
      'RUN mkdir -p /out && cd /src && find . -name package.json -o -name package-lock.json -exec cp --parents {} /out/ \\;',
      'FROM node:22.12.0-slim',
      'WORKDIR /app',
      'COPY --from=manifests /out/ ./',
      'RUN npm ci --workspace apps/api',
      'COPY . .',
      'CMD ["node", "apps/api/server.js"]',
    );
    const workspace = { 'package.json': '{"workspaces":["apps/*"]}', 'apps/api/package.json': '{}', 'apps/api/server.js': '', Dockerfile: dockerfile };
    passes({ ...workspace, 'package-lock.json': '{}' });
    rejects('lockfile', { ...workspace, 'pnpm-lock.yaml': '' });
  });

  test('Yarn 1 flags on a Yarn 2+ lockfile fail; each Yarn on its own lockfile passes', () => {
    const yarn = (lock: string, install: string) => ({
      'package.json': '{"name":"app"}',
      'yarn.lock': lock,
      'index.js': '',
      Dockerfile: lines('FROM node:22.12.0-slim', 'WORKDIR /app', 'RUN corepack enable', 'COPY package.json yarn.lock ./', `RUN ${install}`, 'COPY . .', 'CMD ["node", "index.js"]'),
    });
    const berry = '__metadata:\n  version: 8\n';
    const classic = '# yarn lockfile v1\n';
    passes(yarn(classic, 'yarn install --frozen-lockfile'));
    passes(yarn(berry, 'yarn install --immutable'));
    assert.match(rejects('lockfile', yarn(berry, 'yarn install --frozen-lockfile'))[0].message, /Yarn 2\+ lockfile/);
  });

  test('uv sync --frozen needs uv.lock in the stage, not just in the repository', () => {
    const uv = (copy: string) => ({
      'pyproject.toml': '[project]\nname = "x"\nversion = "1"\n',
      'uv.lock': 'version = 1\n',
      'main.py': '',
      Dockerfile: lines('FROM python:3.13.5-slim', 'RUN pip install uv==0.9.2', 'WORKDIR /app', `COPY ${copy} ./`, 'RUN uv sync --frozen --no-install-project', 'COPY . .', 'CMD ["python", "main.py"]'),
    });
    passes(uv('pyproject.toml uv.lock'));
    assert.match(rejects('lockfile', uv('pyproject.toml'))[0].message, /uv\.lock in \/app/);
  });

  test('pip --require-hashes needs a hash on every requirement, and nested -r files', () => {
    const pip = (requirements: string) => ({
      'requirements.txt': requirements,
      'base.txt': 'flask==3.1.0 --hash=sha256:abc\n',
      'app.py': '',
      Dockerfile: lines('FROM python:3.13.5-slim', 'WORKDIR /app', 'COPY *.txt ./', 'RUN pip install --require-hashes -r requirements.txt', 'COPY . .', 'CMD ["python", "app.py"]'),
    });
    passes(pip('-r base.txt\nrequests==2.32.3 \\\n    --hash=sha256:def\n'));
    const problems = rejects('lockfile', pip('-r missing.txt\nrequests==2.32.3\n'));
    assert.equal(problems.length, 2);
  });
});

describe('runtime-version', () => {
  test('Node: the base image must satisfy engines.node', () => {
    const files = (image: string) => ({ ...nodeApp, 'package.json': '{"engines":{"node":">=22"}}', Dockerfile: lines(`FROM ${image}`, 'COPY . /app/', 'CMD ["node", "/app/server.js"]') });
    passes(files('node:22.12.0-bookworm-slim'));
    assert.match(rejects('runtime-version', files('node:20-slim'))[0].message, /Node 20\.x does not satisfy package\.json engines\.node ">=22"/);
  });

  test('Go: the image must be at least go.mod\'s go and toolchain lines', () => {
    const files = (image: string, toolchain = '') => ({
      'go.mod': `module example.com/x\n\ngo 1.27.0\n${toolchain}`,
      'main.go': '',
      Dockerfile: lines(`FROM ${image} AS build`, 'WORKDIR /src', 'COPY . .', 'RUN go build -o /out/app .', 'FROM scratch', 'COPY --from=build /out/app /app', 'ENTRYPOINT ["/app"]'),
    });
    passes(files('golang:1.27.0-trixie'));
    rejects('runtime-version', files('golang:1.26-trixie'));
    assert.match(rejects('runtime-version', files('golang:1.27.0-trixie', 'toolchain go1.27.3\n'))[0].message, /download that toolchain/);
  });

  test('Python: the image must satisfy requires-python', () => {
    const files = (image: string) => ({ 'pyproject.toml': '[project]\nname = "x"\nrequires-python = ">=3.13"\n', 'main.py': '', Dockerfile: lines(`FROM ${image}`, 'WORKDIR /app', 'COPY . .', 'CMD ["python", "main.py"]') });
    passes(files('python:3.13-slim'));
    assert.match(rejects('runtime-version', files('python:3.12-slim'))[0].message, /Python 3\.12\.x does not satisfy pyproject\.toml requires-python ">=3\.13"/);
    rejects('runtime-version', files('python:3.12.8-slim'));
  });

  test('Java: every JDK/JRE stage must reach the compile target; Gradle toolchains must match the JDK', () => {
    const maven = (runtime: string) => ({
      'pom.xml': '<project><properties><java.version>21</java.version></properties></project>',
      mvnw: '',
      '.mvn/wrapper/maven-wrapper.properties': '',
      Dockerfile: lines('FROM maven:3.9.16-eclipse-temurin-21-noble AS build', 'WORKDIR /src', 'COPY . .', 'RUN ./mvnw -B package && cp target/*.jar /out/app.jar', `FROM ${runtime}`, 'COPY --from=build /out/app.jar /app/app.jar', 'ENTRYPOINT ["java", "-jar", "/app/app.jar"]'),
    });
    passes(maven('eclipse-temurin:21.0.12_8-jre-noble'));
    rejects('runtime-version', maven('eclipse-temurin:17-jre'));
    const gradle = {
      'build.gradle.kts': 'java { toolchain { languageVersion = JavaLanguageVersion.of(21) } }\n',
      'settings.gradle.kts': '',
      Dockerfile: lines('FROM gradle:9.7.1-jdk17-noble AS build', 'WORKDIR /src', 'COPY . .', 'RUN gradle bootJar && cp build/libs/app.jar /out/app.jar', 'FROM eclipse-temurin:21-jre', 'COPY --from=build /out/app.jar /app.jar', 'ENTRYPOINT ["java", "-jar", "/app.jar"]'),
    };
    assert.equal(rejects('runtime-version', gradle).length, 1);
  });
});

describe('tool-version', () => {
  const uv = (version: string) => ({
    'pyproject.toml': '[project]\nname = "x"\n[tool.uv]\nrequired-version = ">=0.9"\n',
    'uv.lock': 'version = 1\n',
    'main.py': '',
    Dockerfile: lines('FROM python:3.13.5-slim', `RUN pip install uv==${version}`, 'WORKDIR /app', 'COPY . .', 'RUN uv sync --locked', 'CMD ["python", "main.py"]'),
  });

  test('an installed uv must satisfy [tool.uv] required-version', () => {
    passes(uv('0.9.2'));
    assert.match(rejects('tool-version', uv('0.5.0'))[0].message, /uv 0\.5\.0.*required-version ">=0\.9"/);
  });

  test('pnpm: the installed major must match packageManager; corepack alone is fine; a missing pnpm is not', () => {
    const pnpm = (setup: string) => ({
      'package.json': '{"packageManager":"pnpm@9.15.0"}',
      'pnpm-lock.yaml': "lockfileVersion: '9.0'\n",
      'index.js': '',
      Dockerfile: lines('FROM node:22.12.0-slim', setup, 'WORKDIR /app', 'COPY . .', 'RUN pnpm install --frozen-lockfile', 'CMD ["node", "index.js"]'),
    });
    passes(pnpm('RUN corepack enable'));
    passes(pnpm('RUN npm install --global pnpm@9.1.0'));
    assert.match(rejects('tool-version', pnpm('RUN npm install --global pnpm@8.15.9'))[0].message, /pnpm 8\.15\.9.*pnpm 9\.x/);
    assert.match(rejects('tool-version', pnpm('ENV CI=true'))[0].message, /runs pnpm/);
  });

  test('Poetry must read the lockfile version, and `poetry export` needs its plugin from Poetry 2', () => {
    const poetry = (version: string, lock: string) => ({
      'pyproject.toml': '[tool.poetry]\nname = "x"\n',
      'poetry.lock': `[metadata]\nlock-version = "${lock}"\n`,
      'main.py': '',
      Dockerfile: lines('FROM python:3.13.5-slim', `RUN pip install poetry==${version} poetry-plugin-export`, 'WORKDIR /app', 'COPY . .', 'RUN poetry export -o requirements.txt && pip install -r requirements.txt', 'CMD ["python", "main.py"]'),
    });
    passes(poetry('2.1.3', '2.1'));
    assert.match(rejects('tool-version', poetry('1.8.5', '2.1'))[0].message, /lock-version "2\.1"/);
  });
});

describe('start-target', () => {
  const fastapi = (main: Record<string, string>) => ({
    'requirements.txt': 'fastapi==0.115.0\n',
    ...main,
    Dockerfile: lines('FROM python:3.13.5-slim', 'WORKDIR /app', 'COPY requirements.txt ./', 'RUN pip install -r requirements.txt', 'COPY . .', 'CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0"]'),
  });

  test('uvicorn module:attr needs the module and the attribute', () => {
    passes(fastapi({ 'app/__init__.py': '', 'app/main.py': 'from fastapi import FastAPI\napp = FastAPI()\n' }));
    assert.match(rejects('start-target', fastapi({ 'app/server.py': 'app = 1\n' }))[0].message, /app\/main\.py.*line 6|line 6.*app\/main\.py/);
    assert.match(rejects('start-target', fastapi({ 'app/main.py': 'api = 1\n' }))[0].message, /neither defines nor imports "app"/);
  });

  test('node dist/main.js is accepted from src/main.ts and tsconfig outDir, not without the source', () => {
    const ts = (source: Record<string, string>) => ({
      'package.json': '{"scripts":{"build":"tsc"}}',
      'package-lock.json': '{}',
      'tsconfig.json': '{ "compilerOptions": { "outDir": "dist", "rootDir": "src" } // built by tsc\n}',
      ...source,
      Dockerfile: lines(
        'FROM node:22.12.0-slim AS build',
        'WORKDIR /app',
        'COPY package.json package-lock.json ./',
        'RUN npm ci',
        'COPY . .',
        'RUN npm run build',
        'FROM node:22.12.0-slim',
        'WORKDIR /app',
        'COPY --from=build /app/dist ./dist',
        'CMD ["node", "dist/main.js"]',
      ),
    });
    passes(ts({ 'src/main.ts': 'export {}' }));
    rejects('start-target', ts({ 'src/other.ts': 'export {}' }));
  });

  test('console scripts, manage.py, shell-form commands and Go binaries made by a RUN', () => {
    passes({ 'pyproject.toml': '[project]\nname = "x"\n[project.scripts]\nserve = "x:main"\n', 'x.py': '', Dockerfile: lines('FROM python:3.13.5-slim', 'COPY . /app', 'RUN pip install /app', 'CMD ["/usr/local/bin/serve"]') });
    passes({ 'manage.py': '', Dockerfile: lines('FROM python:3.13.5-slim', 'WORKDIR /app', 'COPY . .', 'CMD python manage.py migrate && exec python manage.py runserver') });
    rejects('start-target', { 'main.py': '', Dockerfile: lines('FROM python:3.13.5-slim', 'WORKDIR /app', 'COPY . .', 'CMD python manage.py runserver') });
  });
});
