/**
 * The Go readers on small throwaway modules: what a whole-module read finds, how route prefixes chain,
 * where settings and ports come from, which main packages are services, and how build constraints apply.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { detect } from '../../lib/detect/index.js';
import { buildConstraint } from '../../lib/detect/go/module.js';
import { camelWords } from '../../lib/detect/go/settings.js';
import type { DetectedService } from '../../lib/detect/types.js';
import { tempDir, writeTree } from '../helpers/folders.js';
import { fixturesDir } from '../helpers/paths.js';

const repo = (files: Record<string, string>) => writeTree(tempDir('phase4-go-'), files);
const only = (root: string): DetectedService => {
  const { services } = detect(root);
  assert.equal(services.length, 1, JSON.stringify(services.map((service) => service.path)));
  return services[0];
};
const gomod = (name = 'example.com/shop', extra = '') => `module ${name}\n\ngo 1.23\n${extra}`;
const main = (body: string, imports: string[] = []) => `package main\n\nimport (\n${imports.map((item) => `\t"${item}"\n`).join('')})\n\nfunc main() {\n${body}\n}\n`;

describe('go: the whole module is read', () => {
  test('a root main.go is found among 2,000 files that sort before it', () => {
    const root = tempDir('phase4-go-big-');
    cpSync(path.join(fixturesDir, 'go-chi-root'), root, { recursive: true });
    for (let index = 0; index < 2000; index += 1) {
      const folder = path.join(root, 'aaa', 'generated', `pkg${String(Math.floor(index / 20)).padStart(3, '0')}`);
      mkdirSync(folder, { recursive: true });
      writeFileSync(path.join(folder, `file${index}.go`), `package pkg${Math.floor(index / 20)}\n\n// Value${index} is generated.\nconst Value${index} = ${index}\n`);
    }
    const started = Date.now();
    const service = only(root);
    const elapsed = Date.now() - started;
    assert.equal(service.name, 'ledger-api');
    assert.equal(service.framework, 'chi');
    assert.equal(service.port, 8090);
    assert.equal(service.healthPath, '/api/v1/healthz');
    assert.ok(elapsed < 15000, `detection took ${elapsed} ms`);
  });

  test('a module without a main package is a library; _test.go and testdata/ mains do not count', () => {
    const root = repo({
      'go.mod': gomod('example.com/money'),
      'money.go': 'package money\n\nfunc Add(a, b int) int { return a + b }\n',
      'main_test.go': 'package main\n\nimport "net/http"\n\nfunc TestX() { http.ListenAndServe(":1", nil) }\n',
      'testdata/app/main.go': main('http.ListenAndServe(":2", nil)', ['net/http']),
    });
    const detection = detect(root);
    assert.deepEqual(detection.services, []);
    assert.deepEqual(detection.notServices, [{ path: '.', why: 'Go library module: no main package' }]);
  });

  test('files built only for other systems or ignored by constraints are left out', () => {
    assert.equal(buildConstraint('ignore'), false);
    assert.equal(buildConstraint('windows || darwin'), false);
    assert.equal(buildConstraint('!windows'), true);
    assert.equal(buildConstraint('linux && cgo'), undefined);
    assert.equal(buildConstraint('openbsd && !cgo'), false);
    const root = repo({
      'go.mod': gomod(),
      'main.go': main('serve()'),
      'serve_linux.go': 'package main\n\nimport "net/http"\n\nfunc serve() { http.ListenAndServe(":8000", nil) }\n',
      'serve_windows.go': 'package main\n\nimport "net/http"\n\nfunc serve() { http.ListenAndServe(":9000", nil) }\n',
      'db_openbsd.go': '//go:build openbsd\n\npackage main\n\nimport _ "github.com/mattn/go-sqlite3"\n',
      'gen.go': '//go:build ignore\n\npackage main\n\nfunc main() {}\n',
    });
    const detection = detect(root);
    assert.equal(detection.services[0].port, 8000);
    assert.ok(!detection.notes.some((note) => /cgo/.test(note)), detection.notes.join('\n'));
  });
});

describe('go: which programs are services', () => {
  test('cmd/api serves, cmd/seed is a tool: one service named after the module, built by package', () => {
    const root = repo({
      'go.mod': gomod('example.com/acme/shop/v2'),
      'cmd/api/main.go': main('http.ListenAndServe(":8080", nil)', ['net/http']),
      'cmd/seed/main.go': main('println("seeding")'),
      'internal/gen/main.go': main('println("generating")'),
    });
    const service = only(root);
    assert.equal(service.name, 'shop');
    assert.equal(service.path, '.');
    assert.equal(service.commands.build, 'go build ./cmd/api');
  });

  test('several listening mains are several services built from the module root; a worker keeps no port', () => {
    const root = repo({
      'go.mod': gomod(),
      'services/orders/main.go': main('http.ListenAndServe(":7001", nil)', ['net/http']),
      'services/billing/main.go': main('http.ListenAndServe(":7002", nil)', ['net/http']),
      'services/reminder-worker/main.go': main('select {}'),
      'tools/lint/main.go': main('println()'),
    });
    const { services } = detect(root);
    assert.deepEqual(
      services.map((service) => [service.name, service.path, service.kind, service.port, service.buildContext]),
      [
        ['billing', 'services/billing', 'backend', 7002, '.'],
        ['orders', 'services/orders', 'backend', 7001, '.'],
        ['reminder-worker', 'services/reminder-worker', 'worker', undefined, '.'],
      ],
    );
  });

  test('a cobra server subcommand becomes the start arguments; a root command that serves needs none', () => {
    const files = (rootRuns: boolean) => ({
      'go.mod': gomod('example.com/bookmarks'),
      'main.go': 'package main\n\nimport "example.com/bookmarks/cmd"\n\nfunc main() { cmd.Root().Execute() }\n',
      'cmd/root.go': `package cmd\n\nimport "github.com/spf13/cobra"\n\nfunc Root() *cobra.Command {\n\troot := &cobra.Command{Use: "bookmarks"${rootRuns ? ', Run: serve' : ''}}\n\troot.AddCommand(&cobra.Command{Use: "serve", Deprecated: "use server", Run: serve}, &cobra.Command{Use: "server", Run: serve}, &cobra.Command{Use: "add", Run: add})\n\treturn root\n}\n`,
      'cmd/serve.go': 'package cmd\n\nimport (\n\t"net/http"\n\n\t"github.com/spf13/cobra"\n)\n\nfunc serve(*cobra.Command, []string) { http.ListenAndServe(":8080", nil) }\nfunc add(*cobra.Command, []string) {}\n',
    });
    const subcommand = only(repo(files(false)));
    assert.equal(subcommand.commands.start, 'server');
    assert.equal(subcommand.evidence['commands.start'].file, 'cmd/root.go');
    assert.equal(only(repo(files(true))).commands.start, undefined);
  });

  test('a module under examples/ whose program does not listen is not deployed', () => {
    const root = repo({
      'go.mod': gomod(),
      'main.go': main('http.ListenAndServe(":8080", nil)', ['net/http']),
      'plugins/examples/hello/go.mod': gomod('example.com/hello'),
      'plugins/examples/hello/main.go': main('println("hi")'),
    });
    const detection = detect(root);
    assert.deepEqual(detection.services.map((service) => service.path), ['.']);
    assert.deepEqual(detection.notServices.map((entry) => entry.path), ['plugins/examples/hello']);
  });
});

describe('go: health routes with their prefixes', () => {
  const server = (files: Record<string, string>, imports = ['github.com/gin-gonic/gin']) =>
    repo({ 'go.mod': gomod(), 'main.go': main('r := gin.New()\n\troutes.Register(r)\n\tr.Run(":8080")', [...imports, 'example.com/shop/routes']), ...files });

  test('chained gin groups and a group passed to a function', () => {
    const root = server({
      'routes/routes.go': 'package routes\n\nimport "github.com/gin-gonic/gin"\n\nfunc Register(r *gin.Engine) {\n\tapi := r.Group("/api")\n\tv1 := api.Group("/v1")\n\tprobes(v1.Group("/ops"))\n\t{\n\t\tv1.GET("/items", nil)\n\t}\n}\n',
      'routes/probes.go': 'package routes\n\nimport "github.com/gin-gonic/gin"\n\nfunc probes(g *gin.RouterGroup) {\n\tg.GET("/readyz", nil)\n\tg.GET("/healthz", nil)\n}\n',
    });
    const detection = detect(root);
    assert.equal(detection.services[0].healthPath, '/api/v1/ops/healthz');
    assert.ok(detection.notes.some((note) => note.includes('/api/v1/ops/readyz is its readiness route')), detection.notes.join('\n'));
  });

  test('braces do not make a prefix; a group assigned later does not apply earlier', () => {
    const root = server({
      'routes/routes.go': 'package routes\n\nimport "github.com/gin-gonic/gin"\n\nfunc Register(r *gin.Engine) {\n\tv1 := r.Group("/api/v1")\n\t{\n\t\tr.GET("/health", nil)\n\t\tv1.GET("/items", nil)\n\t}\n}\n',
    });
    assert.equal(only(root).healthPath, '/health');
  });

  test('chi: r.Route blocks nest, and a router built in a function is mounted under its prefix', () => {
    const root = repo({
      'go.mod': gomod(),
      'main.go': main('http.ListenAndServe(":8080", router())', ['net/http']),
      'router.go': 'package main\n\nimport (\n\t"net/http"\n\n\t"github.com/go-chi/chi/v5"\n)\n\nfunc router() http.Handler {\n\tr := chi.NewRouter()\n\tr.Route("/api", func(r chi.Router) {\n\t\tr.Route("/v2", func(r chi.Router) {\n\t\t\tr.Mount("/ops", opsRouter())\n\t\t})\n\t})\n\treturn r\n}\n\nfunc opsRouter() http.Handler {\n\tr := chi.NewRouter()\n\tr.Get("/livez", nil)\n\treturn r\n}\n',
    });
    const service = only(root);
    assert.equal(service.framework, 'chi');
    assert.equal(service.healthPath, '/api/v2/ops/livez');
  });

  test('a version group passed as an argument, and chi Heartbeat at the root', () => {
    const grouped = repo({
      'go.mod': gomod(),
      'main.go': main('app := web.NewApp()\n\tcheck.Routes(app)\n\thttp.ListenAndServe(":3000", app)', ['net/http', 'example.com/shop/web', 'example.com/shop/check']),
      'web/web.go': 'package web\n\ntype App struct{}\n\nfunc NewApp() *App { return &App{} }\n',
      'check/route.go': 'package check\n\nimport (\n\t"net/http"\n\n\t"example.com/shop/web"\n)\n\nfunc Routes(app *web.App) {\n\tconst version = "v1"\n\tapp.HandlerFunc(http.MethodGet, version, "/liveness", nil)\n}\n',
    });
    assert.equal(only(grouped).healthPath, '/v1/liveness');
    const heartbeat = repo({
      'go.mod': gomod(),
      'main.go': main('r := chi.NewRouter()\n\tr.Use(middleware.Heartbeat("/ping"))\n\tr.Get("/metrics/health", nil)\n\thttp.ListenAndServe(":4533", r)', ['net/http', 'github.com/go-chi/chi/v5', 'github.com/go-chi/chi/v5/middleware']),
    });
    assert.equal(only(heartbeat).healthPath, '/ping', 'a sub-feature health route ranks below the app-level ping');
  });

  test('no health route: none is invented (the stack model says so, once per service)', () => {
    const root = repo({ 'go.mod': gomod(), 'main.go': main('http.ListenAndServe(":8080", nil)', ['net/http']) });
    const detection = detect(root);
    assert.equal(detection.services[0].healthPath, undefined);
    assert.ok(!detection.notes.some((note) => /no health/.test(note)), 'the note is the stack model\'s, not a second one');
  });
});

describe('go: settings and ports', () => {
  test('ardanlabs/conf: prefix plus the field path split at capitals; mask is secret; debug hosts are not the port', () => {
    const root = repo({
      'go.mod': gomod(),
      'main.go': `package main\n\nimport (\n\t"net/http"\n\n\t"github.com/ardanlabs/conf/v3"\n)\n\nfunc main() {\n\tcfg := struct {\n\t\tconf.Version\n\t\tWeb struct {\n\t\t\tDebugHost string \`conf:"default:0.0.0.0:4010"\`\n\t\t\tAPIHost   string \`conf:"default:0.0.0.0:4000"\`\n\t\t\tCORSAllowedOrigins []string \`conf:"default:*"\`\n\t\t}\n\t\tDB struct {\n\t\t\tPassword string \`conf:"default:postgres,mask"\`\n\t\t}\n\t}{}\n\tconst prefix = "SALES"\n\tconf.Parse(prefix, &cfg)\n\thttp.ListenAndServe(cfg.Web.DebugHost, nil)\n\tapi := http.Server{Addr: cfg.Web.APIHost}\n\tapi.ListenAndServe()\n}\n`,
    });
    const service = only(root);
    assert.equal(service.port, 4000);
    assert.deepEqual(service.settings, [
      { name: 'SALES_DB_PASSWORD', secret: true },
      { name: 'SALES_WEB_API_HOST', default: '0.0.0.0:4000' },
      { name: 'SALES_WEB_CORS_ALLOWED_ORIGINS', default: '*' },
      { name: 'SALES_WEB_DEBUG_HOST', default: '0.0.0.0:4010' },
    ]);
    assert.deepEqual(camelWords('CORSAllowedOrigins'), ['CORS', 'Allowed', 'Origins']);
    assert.deepEqual(camelWords('ActiveKID'), ['Active', 'KID']);
  });

  test('viper: AutomaticEnv with its prefix and key replacer, defaults from SetDefault and bound flags', () => {
    const root = repo({
      'go.mod': gomod(),
      'main.go': `package main\n\nimport (\n\t"net/http"\n\t"strings"\n\n\t"github.com/spf13/cobra"\n\t"github.com/spf13/viper"\n)\n\nfunc main() {\n\troot := &cobra.Command{Use: "shop"}\n\troot.PersistentFlags().Int("port", 8081, "port")\n\tviper.BindPFlag("port", root.PersistentFlags().Lookup("port"))\n\tviper.SetDefault("log.level", "info")\n\tviper.SetDefault("unix-sock", "")\n\tviper.SetEnvPrefix("shop")\n\treplacer := strings.NewReplacer(".", "_", "-", "_")\n\tviper.SetEnvKeyReplacer(replacer)\n\tviper.AutomaticEnv()\n\thttp.ListenAndServe(":"+viper.GetString("port"), nil)\n}\n`,
    });
    const service = only(root);
    assert.equal(service.port, 8081);
    assert.deepEqual(service.settings, [
      { name: 'SHOP_LOG_LEVEL', default: 'info' },
      { name: 'SHOP_PORT', default: '8081' },
      { name: 'SHOP_UNIX_SOCK', default: '' },
    ]);
  });

  test('os.Getenv fallbacks, env helpers and struct tags of three env libraries', () => {
    const root = repo({
      'go.mod': gomod(),
      'main.go': `package main\n\nimport (\n\t"net/http"\n\t"os"\n\n\tenv "github.com/caarlos0/env/v11"\n\t"github.com/sethvargo/go-envconfig"\n)\n\ntype A struct {\n\tToken string \`env:"API_TOKEN,required"\`\n\tTimeout string \`env:"TIMEOUT,default=5s"\`\n}\n\ntype B struct {\n\tWorkers int \`env:"WORKERS" envDefault:"4"\`\n}\n\nfunc getEnv(key, fallback string) string { return fallback }\n\nfunc main() {\n\tenvconfig.Process(nil, &A{})\n\tenv.ParseWithOptions(&B{}, env.Options{Prefix: "APP_"})\n\tport := os.Getenv("PORT")\n\tif port == "" {\n\t\tport = "9090"\n\t}\n\tregion := getEnv("REGION", "eu")\n\t_ = region\n\thttp.ListenAndServe(":"+port, nil)\n}\n`,
    });
    const service = only(root);
    assert.equal(service.port, 9090, 'PORT is the port, not a setting');
    assert.deepEqual(service.settings, [
      { name: 'API_TOKEN', secret: true },
      { name: 'APP_WORKERS', default: '4' },
      { name: 'REGION', default: 'eu' },
      { name: 'TIMEOUT', default: '5s' },
    ]);
  });

  test('a port from the ini file the program loads; gin Run() without an address defaults to 8080', () => {
    const ini = repo({
      'go.mod': gomod(),
      'main.go': main('cfg, _ := ini.Load("conf/app.ini")\n\t_ = cfg\n\tr := gin.Default()\n\tr.Run(addr())', ['github.com/gin-gonic/gin', 'gopkg.in/ini.v1']),
      'addr.go': 'package main\n\nfunc addr() string { return "" }\n',
      'conf/app.ini': '[server]\nRunMode = debug\nHttpPort = 8000\n\n[database]\nPort = 3306\n',
    });
    assert.equal(only(ini).port, 8000);
    const bare = repo({ 'go.mod': gomod(), 'main.go': main('r := gin.Default()\n\tr.Run()', ['github.com/gin-gonic/gin']) });
    assert.equal(only(bare).port, 8080);
  });

  test('a default-port constant the address is built from, when the env variable has no literal fallback', () => {
    const root = repo({
      'go.mod': gomod(),
      'config.go': 'package main\n\nimport (\n\t"os"\n\t"strconv"\n)\n\nconst (\n\tDefaultPort = 3200\n\tDebugPort   = 6060\n)\n\nfunc port() int {\n\tif value, err := strconv.Atoi(os.Getenv("WEB_PORT")); err == nil {\n\t\treturn value\n\t}\n\treturn DefaultPort\n}\n',
      'main.go': main('srv := &http.Server{Addr: fmt.Sprintf(":%d", port())}\n\tsrv.ListenAndServe()', ['fmt', 'net/http']),
    });
    const service = only(root);
    assert.equal(service.port, 3200);
    assert.deepEqual(service.settings, [{ name: 'WEB_PORT' }]);
  });

  test("viper's config file by name and path: the server's port, not the database's above it", () => {
    const root = repo({
      'go.mod': gomod(),
      'main.go': main('viper.SetConfigName("settings")\n\tviper.AddConfigPath("./configs")\n\tviper.ReadInConfig()\n\thttp.ListenAndServe(viper.GetString("server.addr"), nil)', ['net/http', 'github.com/spf13/viper']),
      'configs/settings.yaml': 'database:\n  host: db\n  port: 5432\nserver:\n  addr: ":7070"\n',
    });
    const service = only(root);
    assert.equal(service.port, 7070);
    assert.equal(service.evidence.port.file, 'configs/settings.yaml');
  });
});

describe('go: datastores and migrations', () => {
  test('goose applied by the program at start-up runs with the start command; SQLite and cgo are notes', () => {
    const root = repo({
      'go.mod': gomod('example.com/music'),
      'main.go': main('db.Init()\n\thttp.ListenAndServe(":4533", nil)', ['net/http', 'example.com/music/db']),
      'db/db.go': 'package db\n\nimport (\n\t"database/sql"\n\n\t_ "github.com/mattn/go-sqlite3"\n\t"github.com/pressly/goose/v3"\n)\n\nfunc Init() {\n\tconn, _ := sql.Open("sqlite3", "music.db")\n\tgoose.Up(conn, "migrations")\n}\n',
    });
    const detection = detect(root);
    assert.deepEqual(detection.services[0].migrations, { tool: 'goose', command: './music' });
    assert.deepEqual(detection.services[0].uses, []);
    assert.ok(detection.notes.some((note) => /SQLite/.test(note)));
    assert.ok(detection.notes.some((note) => /cgo/.test(note)));
  });

  test('GORM AutoMigrate is the app migrating itself', () => {
    const root = repo({
      'go.mod': gomod(),
      'main.go': main('db, _ := gorm.Open(postgres.Open(os.Getenv("DATABASE_URL")))\n\tdb.AutoMigrate()\n\thttp.ListenAndServe(":8080", nil)', ['net/http', 'os', 'gorm.io/gorm', 'gorm.io/driver/postgres']),
    });
    const service = only(root);
    assert.deepEqual(service.migrations, { tool: 'other', command: './shop' });
    assert.deepEqual(service.uses, ['postgres']);
  });
});
