/** A Go module with a main package: net/http, Gin or Echo servers, or a worker. */
import path from 'node:path';
import type { Framework } from '../../catalog/service.js';
import { exists, readText } from '../repo-files.js';
import { asPort, findDatastores, findHealthPath, findPortInEnv, readAll, sourceFiles } from '../source-hints.js';
import { toServiceName } from '../service-name.js';
import type { DetectedService } from '../types.js';

/** The last element of a module path, skipping a major-version suffix: `github.com/acme/shop/v2` -> `shop`. */
const moduleName = (modulePath: string): string => {
  const parts = modulePath.split('/');
  return (/^v\d+$/.test(parts.at(-1) ?? '') && parts.length > 1 ? parts.at(-2) : parts.at(-1)) ?? modulePath;
};

export const detectGoService = (dir: string, relativePath: string): Omit<DetectedService, 'evidence'> | undefined => {
  const goMod = readText(path.join(dir, 'go.mod'));
  if (goMod === undefined) return undefined;
  const files = sourceFiles(dir, ['.go']).filter((file) => !file.endsWith('_test.go'));
  const source = readAll(files);
  if (!/^package main\b/m.test(source)) return undefined; // a library module, not a service

  const framework: Framework = /github\.com\/gin-gonic\/gin/.test(goMod)
    ? 'gin'
    : /github\.com\/labstack\/echo/.test(goMod)
      ? 'echo'
      : 'net-http';
  const serves = framework !== 'net-http' || /"net\/http"/.test(source);
  const modulePath = goMod.match(/^module\s+(\S+)/m)?.[1];
  const port =
    asPort(source.match(/"(?:0\.0\.0\.0)?:(\d{2,5})"/)?.[1]) ??
    asPort(source.match(/"PORT"[^\n]*?"(\d{2,5})"/)?.[1]) ??
    findPortInEnv(dir) ??
    8080;
  const lint = exists(path.join(dir, '.golangci.yml')) || exists(path.join(dir, '.golangci.yaml'))
    ? 'golangci-lint run'
    : 'go vet ./...';
  return {
    name: toServiceName(modulePath ? moduleName(modulePath) : path.basename(dir)),
    path: relativePath,
    kind: serves ? 'backend' : 'worker',
    language: 'go',
    framework: serves ? framework : 'none',
    packageManager: 'go',
    port,
    healthPath: findHealthPath(files) ?? '/healthz',
    commands: { install: 'go mod download', build: 'go build ./...', test: 'go test ./...', lint },
    uses: findDatastores(goMod.replace(/^\s*(\S+)\s+v/gm, ' "$1" v'), [dir]),
  };
};
