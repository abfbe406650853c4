/**
 * The Python detector's readers, each on a small repository made for the case: prefix chains, launch
 * commands and their wrappers, version sources, settings classes and environment reads.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { detect } from '../../lib/detect/index.js';
import { normaliseCommand, portInCommand, relativiseCommand, roleOf } from '../../lib/detect/python/launch.js';
import { readProject, runtimeVersion } from '../../lib/detect/python/project.js';
import { findDjangoHealth, findRouterHealth, nameResolver } from '../../lib/detect/python/routes.js';
import { environmentReads, isSecret, pydanticSettings } from '../../lib/detect/python/settings.js';
import { blankComments, callArguments, literalValue, Modules, stringValue } from '../../lib/detect/python/source.js';
import { RepoIndex } from '../../lib/detect/repo-index.js';
import type { DetectedService } from '../../lib/detect/types.js';
import { findWorkspaces } from '../../lib/detect/workspaces.js';
import { tempDir, writeTree } from '../helpers/folders.js';

const repo = (files: Record<string, string>): RepoIndex => RepoIndex.build(writeTree(tempDir('phase4-python-'), files));
const services = (files: Record<string, string>): DetectedService[] => detect(writeTree(tempDir('phase4-python-'), files)).services;
const only = (files: Record<string, string>): DetectedService => {
  const found = services(files);
  assert.equal(found.length, 1, JSON.stringify(found.map((service) => service.name)));
  return found[0];
};
const noSettings = () => undefined;

describe('python source reading', () => {
  test('comments are blanked, a # inside a string is kept, and lines do not move', () => {
    const text = 'x = "a # b"  # note\ny = 1\n';
    assert.equal(blankComments(text), 'x = "a # b"        \ny = 1\n');
  });

  test('call arguments split at top-level commas only', () => {
    const text = 'include_router(api.router, prefix=f"{settings.API}/v1", tags=["a", "b"])';
    const args = callArguments(text, text.indexOf('('));
    assert.deepEqual(args.positional, ['api.router']);
    assert.equal(args.keywords.prefix, 'f"{settings.API}/v1"');
    assert.equal(args.keywords.tags, '["a", "b"]');
  });

  test('strings: f-strings over known names, concatenation, unknown names give nothing', () => {
    const names = (name: string) => ({ 'settings.API_V1_STR': '/api/v1', PREFIX: '/x' })[name];
    assert.equal(stringValue('f"{settings.API_V1_STR}/items"', names), '/api/v1/items');
    assert.equal(stringValue('PREFIX + "/y"', names), '/x/y');
    assert.equal(stringValue('f"{other}/y"', names), undefined);
    assert.equal(stringValue("r'^health/$'"), '^health/$');
  });

  test('literal defaults as the environment carries them', () => {
    assert.equal(literalValue('60 * 24 * 8'), '11520');
    assert.equal(literalValue('True'), 'true');
    assert.equal(literalValue('["*"]'), '["*"]');
    assert.equal(literalValue('logging.INFO'), undefined);
  });

  test('module references resolve through imports, packages and relative imports', () => {
    const index = repo({
      'app/__init__.py': '',
      'app/api/__init__.py': '',
      'app/api/routes/__init__.py': '',
      'app/api/routes/login.py': 'router = 1\n',
      'app/api/main.py': 'from app.api.routes import login\nfrom .routes.login import router as login_router\n',
    });
    const modules = new Modules(index, ['.']);
    const text = index.read('app/api/main.py')!;
    assert.deepEqual(modules.resolve('app/api/main.py', text, 'login.router'), { file: 'app/api/routes/login.py', name: 'router' });
    assert.deepEqual(modules.resolve('app/api/main.py', text, 'login_router'), { file: 'app/api/routes/login.py', name: 'router' });
  });
});

describe('python health routes', () => {
  test('FastAPI: settings prefix + include prefix + router prefix, and an unmounted router is ignored', () => {
    const index = repo({
      'app/__init__.py': '',
      'app/core/config.py': 'class Settings(BaseSettings):\n    API_V1_STR: str = "/api/v1"\n',
      'app/main.py':
        'from fastapi import FastAPI\nfrom app.api import api_router\nfrom app.core.config import settings\n\napp = FastAPI()\napp.include_router(api_router, prefix=settings.API_V1_STR)\n',
      'app/api/__init__.py': 'from fastapi import APIRouter\nfrom app.api import utils\n\napi_router = APIRouter()\napi_router.include_router(utils.router, prefix="/system")\n',
      'app/api/utils.py': 'router = APIRouter(prefix="/utils")\n\n@router.get("/health-check/")\ndef health():\n    return True\n',
      'app/api/old.py': 'router = APIRouter()\n\n@router.get("/health")\ndef health():\n    return True\n',
    });
    const modules = new Modules(index, ['.']);
    const settings = pydanticSettings(index, ['app/core/config.py']);
    const names = nameResolver(index, modules, (attribute) => settings.find((entry) => entry.attribute === attribute)?.rawDefault);
    const route = findRouterHealth(index, modules, names, 'fastapi', { file: 'app/main.py', name: 'app' });
    assert.equal(route?.path, '/api/v1/system/utils/health-check/');
    assert.deepEqual([route?.evidence.file, route?.evidence.line], ['app/api/utils.py', 3]);
  });

  test('Flask: a registration url_prefix replaces the blueprint own prefix; a nested blueprint adds up', () => {
    const index = repo({
      'shop/__init__.py':
        'from flask import Flask\nfrom shop import ops\n\ndef create_app():\n    app = Flask(__name__)\n    app.register_blueprint(ops.bp, url_prefix="/internal")\n    return app\n',
      'shop/ops.py': 'bp = Blueprint("ops", __name__, url_prefix="/ops")\nchild = Blueprint("c", __name__, url_prefix="/probe")\nbp.register_blueprint(child)\n\n@child.get("/livez")\ndef live():\n    return ""\n',
    });
    const modules = new Modules(index, ['.']);
    const route = findRouterHealth(index, modules, nameResolver(index, modules, noSettings), 'flask', { file: 'shop/__init__.py', name: 'app' });
    assert.equal(route?.path, '/internal/probe/livez');
  });

  test('Django: include() chains by module string, list variable and inline list; a login-only view is skipped', () => {
    const index = repo({
      'proj/urls.py':
        'from django.urls import include, path\nfrom api import views\n\nprefix = ""\napi_urls = [path("status/", views.status)]\nurlpatterns = [\n    path(f"{prefix}api/v1/", include(api_urls)),\n    path("api/v2/", include(api_urls)),\n    path("inner/", include([path("ping/", views.ping), path("private/", include("api.urls"))])),\n]\n',
      'api/__init__.py': '',
      'api/urls.py': 'from django.urls import path\nfrom .views import Health\n\nurlpatterns = [path("health/", Health.as_view())]\n',
      'api/views.py': 'class Health(APIView):\n    permission_classes = [IsAuthenticated]\n',
    });
    const modules = new Modules(index, ['.']);
    const route = findDjangoHealth(index, modules, nameResolver(index, modules, noSettings), 'proj.urls');
    // ping (rank 2) beats status (rank 4); the login-only health view does not count.
    assert.equal(route?.path, '/inner/ping/');
    const versions = repo({ 'proj/urls.py': 'api_urls = [path("status/", v)]\nurlpatterns = [path("api/v1/", include(api_urls)), path("api/v3/", include(api_urls))]\n' });
    const versionModules = new Modules(versions, ['.']);
    assert.equal(findDjangoHealth(versions, versionModules, nameResolver(versions, versionModules, noSettings), 'proj.urls')?.path, '/api/v3/status/');
  });

  test('django-health-check answers at its include path', () => {
    const index = repo({ 'config/urls.py': 'urlpatterns = [path("ht/", include("health_check.urls"))]\n' });
    const modules = new Modules(index, ['.']);
    assert.equal(findDjangoHealth(index, modules, nameResolver(index, modules, noSettings), 'config.urls')?.path, '/ht/');
  });
});

describe('python launch commands', () => {
  test('wrappers and absolute executables are dropped', () => {
    assert.equal(normaliseCommand('exec s6-setuidgid paperless /usr/local/bin/celery --app proj worker'), 'celery --app proj worker');
    assert.equal(normaliseCommand('poetry run uvicorn --host=0.0.0.0 app.main:app'), 'uvicorn --host=0.0.0.0 app.main:app');
    assert.equal(normaliseCommand('dotenv run -- gunicorn app:app'), 'gunicorn app:app');
    assert.equal(normaliseCommand('DJANGO_ENV=prod /opt/venv/bin/gunicorn "proj.asgi:application"'), 'gunicorn proj.asgi:application');
  });

  test('roles', () => {
    assert.equal(roleOf('celery -A proj beat -l info'), 'celery-beat');
    assert.equal(roleOf('celery -A proj worker'), 'celery-worker');
    assert.equal(roleOf('python3 /opt/app/manage.py rqworker high'), 'rq-worker');
    assert.equal(roleOf('python manage.py migrate --noinput'), 'migrate');
    assert.equal(roleOf('alembic upgrade head'), 'migrate');
    assert.equal(roleOf('python manage.py collectstatic'), 'other');
    assert.equal(roleOf('python manage.py document_consumer'), 'worker');
    assert.equal(roleOf('fastapi run --workers 4'), 'web');
  });

  test('ports from flags', () => {
    assert.equal(portInCommand('gunicorn app:app -b 0.0.0.0:5000'), 5000);
    assert.equal(portInCommand('gunicorn app:app --bind=[::]:8001'), 8001);
    assert.equal(portInCommand('uvicorn app:app --port=8080'), 8080);
    assert.equal(portInCommand('uwsgi --http :9000 --module x'), 9000);
    assert.equal(portInCommand('daphne -p 8002 proj.asgi:application'), 8002);
    assert.equal(portInCommand('uvicorn app:app'), undefined);
  });

  test('paths inside the image become paths relative to the service folder', () => {
    assert.equal(relativiseCommand('uwsgi /opt/hc/docker/uwsgi.ini', [['/opt/hc', '.']], '.'), 'uwsgi docker/uwsgi.ini');
    assert.equal(relativiseCommand('gunicorn -c /srv/app/gunicorn.conf.py x', [['/srv/app', '.']], 'src'), 'gunicorn -c ../gunicorn.conf.py x');
  });

  test('Dockerfile CMD chains: the server is the start command, the migration before it is noted', () => {
    const service = only({
      'pyproject.toml': '[tool.poetry]\nname = "api"\n\n[tool.poetry.dependencies]\npython = "^3.11"\nfastapi = "*"\nuvicorn = "*"\nalembic = "*"\n',
      'poetry.lock': '',
      'alembic.ini': '[alembic]\nscript_location = migrations\n',
      'app/__init__.py': '',
      'app/main.py': 'from fastapi import FastAPI\n\napp = FastAPI()\n',
      Dockerfile: 'FROM python:3.11-slim\nWORKDIR /srv\nCOPY . ./\nCMD poetry run alembic upgrade head && \\\n    poetry run uvicorn app.main:app --host 0.0.0.0 --port 9000\n',
    });
    assert.equal(service.commands.start, 'uvicorn app.main:app --host 0.0.0.0 --port 9000');
    assert.equal(service.port, 9000);
    assert.deepEqual(service.evidence['commands.start'], { file: 'Dockerfile', line: 4, note: 'CMD poetry run uvicorn app.main:app --host 0.0.0.0 --port 9000' });
    assert.deepEqual(service.migrations, { tool: 'alembic', command: 'alembic upgrade head' });
  });
});

describe('python versions and manifests', () => {
  test('the service folder first, then the workspace root: a member without requires-python inherits .python-version', () => {
    const index = repo({
      'pyproject.toml': '[tool.uv.workspace]\nmembers = ["api"]\n',
      '.python-version': '3.13\n',
      'api/pyproject.toml': '[project]\nname = "api"\n',
    });
    assert.deepEqual(runtimeVersion(index, ['api'])?.value, '3.13');
    assert.equal(runtimeVersion(index, ['api'])?.evidence.file, '.python-version');
  });

  test('Poetry python dependency, Pipfile python_version and runtime.txt', () => {
    assert.equal(runtimeVersion(repo({ 'pyproject.toml': '[tool.poetry.dependencies]\npython = "^3.10"\n' }), ['.'])?.value, '^3.10');
    assert.equal(runtimeVersion(repo({ Pipfile: '[requires]\npython_version = "3.9"\n' }), ['.'])?.value, '3.9');
    assert.equal(runtimeVersion(repo({ 'runtime.txt': 'python-3.12.4\n', 'requirements.txt': 'flask\n' }), ['.'])?.value, '3.12.4');
  });

  test('uv required-version in uv.toml, Poetry requires-poetry', () => {
    const uv = repo({ 'pyproject.toml': '[project]\nname = "a"\n', 'uv.lock': '', 'uv.toml': 'required-version = "==0.5.11"\n' });
    assert.equal(readProject(uv, '.', [])?.packageManagerVersion?.value, '==0.5.11');
    const poetry = repo({ 'pyproject.toml': '[tool.poetry]\nname = "a"\nrequires-poetry = ">=2.1"\n\n[tool.poetry.dependencies]\npython = "^3.12"\n' });
    assert.equal(readProject(poetry, '.', [])?.packageManager, 'poetry');
    assert.equal(readProject(poetry, '.', [])?.packageManagerVersion?.value, '>=2.1');
  });

  test('the project name from setup.py when there is no pyproject name', () => {
    const index = repo({ 'setup.py': 'from setuptools import setup\n\nsetup(\n    name="httpbin",\n    install_requires=["Flask", "gunicorn"],\n)\n', Pipfile: '[packages]\nflask = "*"\n' });
    const project = readProject(index, '.', []);
    assert.equal(project?.name, 'httpbin');
    assert.equal(project?.packageManager, 'pipenv');
    assert.deepEqual(project?.dependencies.map((dependency) => dependency.name).sort(), ['flask', 'flask', 'gunicorn']);
  });

  test('requirements: -r includes are followed; the file is a lockfile only when every line is pinned', () => {
    const pinned = repo({ 'requirements/base.txt': 'Django==5.1.4\n', 'requirements/production.txt': '-r base.txt\ngunicorn==23.0.0\n' });
    const project = readProject(pinned, '.', []);
    assert.deepEqual(project?.dependencies.map((dependency) => dependency.name), ['django', 'gunicorn']);
    assert.equal(project?.lockfile?.value, 'requirements/production.txt');
    assert.equal(readProject(repo({ 'requirements.txt': 'flask>=3\n' }), '.', [])?.lockfile, undefined);
  });

  test('a uv workspace member: lockfile and build context at the root, package name from the member', () => {
    const files = {
      'pyproject.toml': '[tool.uv.workspace]\nmembers = ["services/*"]\n',
      'uv.lock': '',
      'services/api/pyproject.toml': '[project]\nname = "orders-api"\ndependencies = ["fastapi[standard]"]\n',
      'services/api/orders/__init__.py': '',
      'services/api/orders/main.py': 'from fastapi import FastAPI\n\napp = FastAPI()\n',
    };
    const index = repo(files);
    assert.equal(readProject(index, 'services/api', findWorkspaces(index))?.lockfile?.value, 'uv.lock');
    const service = only(files);
    assert.deepEqual([service.path, service.buildContext, service.lockfile, service.workspacePackage], ['services/api', '.', 'uv.lock', 'orders-api']);
    assert.equal(service.commands.start, 'uvicorn orders.main:app --host 0.0.0.0 --port 8000');
  });
});

describe('python settings', () => {
  test('pydantic: env_prefix, aliases, inherited fields (the base definition wins), secret types', () => {
    const index = repo({
      'config.py':
        'class Base(BaseSettings):\n    model_config = SettingsConfigDict(env_prefix="shop_")\n    debug: bool = False\n\n' +
        'class AppSettings(Base):\n    database_url: PostgresDsn\n    api_key: SecretStr\n    workers: int = 4\n    region: str = Field("eu", alias="AWS_REGION")\n\n' +
        'class TestAppSettings(AppSettings):\n    debug: bool = True\n    only_in_tests: int = 1\n',
    });
    const settings = pydanticSettings(index, ['config.py']);
    assert.deepEqual(
      settings.map(({ name, secret, default: value }) => [name, secret ?? false, value]),
      [
        ['SHOP_DEBUG', false, 'false'],
        ['SHOP_DATABASE_URL', true, undefined],
        ['SHOP_API_KEY', true, undefined],
        ['SHOP_WORKERS', false, '4'],
        ['AWS_REGION', false, 'eu'],
      ],
    );
  });

  test('environment reads: a project helper, django-environ, decouple, os.environ; WSGI environ is not the environment', () => {
    const index = repo({
      'settings.py':
        'def envbool(name, default):\n    return os.getenv(name, default) == "True"\n\n' +
        'DEBUG = envbool("DEBUG", "False")\nHOSTS = env.list("ALLOWED_HOSTS", default=["a", "b"])\nDB = env.db("DATABASE_URL", default="postgres:///x")\n' +
        'TOKEN = config("SLACK_TOKEN")\nKEY = os.environ["SECRET_KEY"]\nif "SENTRY_DSN" in os.environ:\n    pass\nPORT = os.getenv("PORT", "8000")\n' +
        'agent = request.environ.get("HTTP_USER_AGENT")\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "x")\n',
    });
    const reads = environmentReads(index, ['settings.py']);
    assert.deepEqual(
      reads.map(({ name, secret, default: value }) => [name, secret ?? false, value]).sort(),
      [
        ['ALLOWED_HOSTS', false, 'a,b'],
        ['DATABASE_URL', true, undefined],
        ['DEBUG', false, 'False'],
        ['SECRET_KEY', true, undefined],
        ['SENTRY_DSN', true, undefined],
        ['SLACK_TOKEN', true, undefined],
      ],
    );
  });

  test('secret names', () => {
    for (const name of ['SECRET_KEY', 'DB_PASSWORD', 'PAPERLESS_DBPASS', 'PAPERLESS_REDIS', 'CELERY_BROKER_URL', 'GITHUB_PRIVATE_KEY', 'API_TOKEN']) assert.ok(isSecret(name), name);
    for (const name of ['ACCESS_TOKEN_EXPIRE_MINUTES', 'JWT_TOKEN_PREFIX', 'S3_ACCESS_KEY', 'SECRET_KEY_FILE', 'DEBUG']) assert.ok(!isSecret(name), name);
  });
});

describe('python services', () => {
  test('Django with channels: ASGI under gunicorn and uvicorn workers; Celery worker without a beat when nothing is scheduled', () => {
    const found = services({
      'requirements.txt': 'django==5.1\nchannels==4.2\ngunicorn==23.0\nuvicorn==0.32\ncelery[redis]==5.4\n',
      'manage.py': 'os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chat.settings")\n',
      'chat/__init__.py': '',
      'chat/settings.py': 'ROOT_URLCONF = "chat.urls"\n',
      'chat/asgi.py': 'application = get_asgi_application()\n',
      'chat/wsgi.py': 'application = get_wsgi_application()\n',
      'chat/celery.py': 'app = Celery("chat")\n',
      'chat/urls.py': 'urlpatterns = []\n',
    });
    assert.deepEqual(
      found.map((service) => [service.name, service.kind, service.commands.start]),
      [
        [found[0].name, 'backend', 'gunicorn chat.asgi:application -k uvicorn.workers.UvicornWorker --bind 0.0.0.0:8000'],
        [`${found[0].name}-worker`, 'worker', 'celery -A chat worker --loglevel INFO'],
      ],
    );
    assert.equal(found[0].healthPath, undefined);
  });

  test('a FastAPI factory starts with --factory; a missing server is said in the notes', () => {
    const root = writeTree(tempDir('phase4-python-'), {
      'requirements.txt': 'fastapi==0.115.0\n',
      'svc/__init__.py': '',
      'svc/app.py': 'from fastapi import FastAPI\n\ndef create_app():\n    app = FastAPI()\n    return app\n',
    });
    const detection = detect(root);
    assert.equal(detection.services[0].commands.start, 'uvicorn svc.app:create_app --factory --host 0.0.0.0 --port 8000');
    assert.ok(detection.notes.some((note) => /runs uvicorn, which is not among the project's dependencies/.test(note)), detection.notes.join('\n'));
    assert.ok(!detection.notes.some((note) => /no health/.test(note)), 'the note is the stack model\'s, not a second one');
  });

  test('an RQ worker beside Flask; a library and a workspace root are not services', () => {
    const detection = detect(
      writeTree(tempDir('phase4-python-'), {
        'pyproject.toml': '[tool.uv.workspace]\nmembers = ["web", "lib"]\n',
        'uv.lock': '',
        'web/pyproject.toml': '[project]\nname = "web"\ndependencies = ["flask", "rq", "gunicorn"]\n',
        'web/app.py': 'from flask import Flask\n\napp = Flask(__name__)\n\n@app.route("/healthz")\ndef healthz():\n    return "ok"\n',
        'lib/pyproject.toml': '[project]\nname = "shared"\ndependencies = ["pydantic"]\n',
        'lib/shared/__init__.py': '',
      }),
    );
    assert.deepEqual(
      detection.services.map((service) => [service.name, service.kind, service.framework, service.commands.start, service.healthPath]),
      [
        ['web', 'backend', 'flask', 'gunicorn app:app --bind 0.0.0.0:8000', '/healthz'],
        ['web-worker', 'worker', 'none', 'rq worker', undefined],
      ],
    );
    assert.deepEqual(
      detection.notServices.map((entry) => entry.path),
      ['.', 'lib'],
    );
  });
});

describe('python start commands from the project', () => {
  test('a console script that runs the server is the start command', () => {
    const service = only({
      'pyproject.toml': '[project]\nname = "ledger"\ndependencies = ["fastapi", "uvicorn"]\n\n[project.scripts]\nledger-api = "ledger.server:main"\nledger-cli = "ledger.cli:main"\n',
      'ledger/__init__.py': '',
      'ledger/server.py': 'import uvicorn\nfrom fastapi import FastAPI\n\napp = FastAPI()\n\ndef main():\n    uvicorn.run(app, host="0.0.0.0", port=7000)\n',
      'ledger/cli.py': 'def main():\n    print("ledger")\n',
    });
    assert.equal(service.commands.start, 'ledger-api');
    assert.equal(service.port, 7000);
    assert.equal(service.evidence['commands.start'].line, 6);
  });

  test("the project's own scripts/test.sh and scripts/lint.sh run with the project's tools", () => {
    const service = only({
      'pyproject.toml': '[project]\nname = "api"\ndependencies = ["fastapi[standard]"]\n\n[dependency-groups]\ndev = ["pytest", "ruff"]\n',
      'uv.lock': '',
      'app/__init__.py': '',
      'app/main.py': 'from fastapi import FastAPI\n\napp = FastAPI()\n',
      'scripts/test.sh': '#!/bin/sh\ncoverage run -m pytest tests/\n',
      'scripts/lint.sh': '#!/bin/sh\nmypy app\nruff check app\n',
    });
    assert.deepEqual(service.commands, {
      install: 'uv sync --frozen',
      test: 'uv run bash scripts/test.sh',
      lint: 'uv run bash scripts/lint.sh',
      start: 'uvicorn app.main:app --host 0.0.0.0 --port 8000',
    });
  });

  test('Procfile web with $PORT: the command stays as written, the port comes from the code', () => {
    const service = only({
      'requirements.txt': 'flask==3.1.0\ngunicorn==23.0.0\n',
      Procfile: 'web: gunicorn wsgi:app --bind 0.0.0.0:$PORT --workers 2\n',
      'wsgi.py': 'import os\nfrom flask import Flask\n\napp = Flask(__name__)\n\nif __name__ == "__main__":\n    app.run(port=int(os.environ.get("PORT", "5050")))\n',
    });
    assert.equal(service.commands.start, 'gunicorn wsgi:app --bind 0.0.0.0:$PORT --workers 2');
    assert.equal(service.port, 5050);
    assert.equal(service.evidence.port.file, 'wsgi.py');
  });
});

describe('python queue workers and notes', () => {
  test('dramatiq and arq workers start on the module that declares them', () => {
    const found = services({
      'requirements.txt': 'dramatiq[redis]==1.17\narq==0.26\n',
      'jobs/__init__.py': '',
      'jobs/actors.py': 'import dramatiq\n\n@dramatiq.actor\ndef resize(path):\n    return path\n',
      'jobs/worker.py': 'class WorkerSettings:\n    functions = []\n',
    });
    assert.deepEqual(
      found.map((service) => [service.kind, service.commands.start]),
      [
        ['worker', 'dramatiq jobs.actors'],
        ['worker', 'arq jobs.worker.WorkerSettings'],
      ],
    );
    assert.equal(found[1].name, `${found[0].name}-arq`);
  });

  test('an old Python and an Alembic folder below the service', () => {
    const detection = detect(
      writeTree(tempDir('phase4-python-'), {
        'requirements.txt': 'fastapi\nuvicorn\nalembic\n',
        'runtime.txt': 'python-3.8.18\n',
        'main.py': 'from fastapi import FastAPI\n\napp = FastAPI()\n',
        'db/alembic.ini': '[alembic]\nscript_location = migrations\n',
      }),
    );
    assert.deepEqual(detection.services[0].migrations, { tool: 'alembic', command: 'cd db && alembic upgrade head' });
    assert.ok(detection.notes.some((note) => /Python 3\.8 \(runtime\.txt\) is past its end of life/.test(note)), detection.notes.join('\n'));
  });
});

describe('python libraries and stand-alone workers', () => {
  test('a package with FastAPI routers but no app is a library', () => {
    const detection = detect(
      writeTree(tempDir('phase4-python-'), {
        'pyproject.toml': '[project]\nname = "common-api"\ndependencies = ["fastapi"]\n',
        'common_api/__init__.py': '',
        'common_api/routers.py': 'from fastapi import APIRouter\n\nrouter = APIRouter()\n\n@router.get("/health")\ndef health():\n    return {}\n',
      }),
    );
    assert.deepEqual(detection.services, []);
    assert.match(detection.notServices[0].why, /^library: depends on FastAPI/);
  });

  test('a stand-alone Celery app with a beat schedule: the worker keeps the project name, the scheduler is <name>-beat', () => {
    const found = services({
      'pyproject.toml': '[project]\nname = "mailer"\ndependencies = ["celery[redis]"]\n',
      'mailer/__init__.py': '',
      'mailer/tasks.py': 'from celery import Celery\n\ncelery = Celery("mailer")\ncelery.conf.beat_schedule = {"digest": {"task": "mailer.tasks.digest", "schedule": 3600}}\n',
    });
    assert.deepEqual(
      found.map((service) => [service.name, service.kind, service.framework, service.commands.start]),
      [
        ['mailer', 'worker', 'celery', 'celery -A mailer.tasks worker --loglevel INFO'],
        ['mailer-beat', 'worker', 'celery', 'celery -A mailer.tasks beat --loglevel INFO'],
      ],
    );
  });
});
