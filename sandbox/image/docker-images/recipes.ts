// The offline image set: what each image nested `docker` finds without a network holds,
// made from Debian packages. One readable literal; its hash names the built set.
import { createHash } from 'node:crypto';
import { canonicalJson, type RecipeFile } from '../recipe.js';

/** Bump when the build procedure changes in a way the literal below does not show. */
export const IMAGE_SET_VERSION = 1;

/** PATH of every image, as in Docker Hub's Debian-based images. */
export const IMAGE_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Image configuration (Docker's `Config`), set with buildah config / podman import --change. */
export interface ImageConfig {
  cmd?: readonly string[];
  entrypoint?: readonly string[];
  env?: readonly string[];
  expose?: readonly number[];
  user?: string;
  workdir?: string;
  stopSignal?: string;
  volumes?: readonly string[];
}

/**
 * One image of the set.
 * - `debian`: the root, an mmdebstrap minbase tree (no extra packages).
 * - `busybox`: the root of the tiny images, made inside the build sandbox from the sandbox
 *   image's static busybox.
 * - derived (`from` set): one layer on top of its parent: what mmdebstrap with `packages`
 *   adds to the debian tree (a file-by-file difference), plus `files`.
 */
export interface SetImage {
  /** Short name, also the name of its layer file. */
  name: string;
  /** Full references it is stored under, the first one being its main name. */
  tags: readonly string[];
  kind: 'debian' | 'busybox' | 'derived';
  from?: 'debian' | 'busybox';
  /** Debian packages on top of minbase (derived from debian only). */
  packages?: readonly string[];
  /** Shell run by mmdebstrap after installing (`$1` is the tree), e.g. symlinks, cleanup. */
  hooks?: readonly string[];
  /** Files written into the layer (after hooks). */
  files?: readonly RecipeFile[];
  /** For `docker history`: what made the layer. */
  createdBy: string;
  config: ImageConfig;
}

/** The whole set. Changing anything changes its id. */
export interface ImageSetRecipe {
  version: number;
  suite: string;
  /** dpkg path-exclude patterns shared by every Debian tree (Docker's slim images drop these). */
  excludes: readonly string[];
  images: readonly SetImage[];
}

const HELLO = `#!/bin/sh
cat <<'EOF'

Hello from pier's Docker!
pier의 Docker가 보내는 인사입니다!

This message shows that your installation appears to be working correctly.
이 메시지가 보인다면 컨테이너가 제대로 동작하는 것입니다.

To generate this message, this happened:
 1. The docker client (here: podman, behind the \`docker\` command) read your command.
 2. It found the "hello-world" image in pier's offline image set (no download needed;
    on Docker Hub, the Docker daemon would pull it from the registry).
 3. It created a new container from that image, with its own namespaces, which runs the
    program that printed this message.
 4. The output of the container was streamed back to your terminal.

이 메시지가 나오기까지:
 1. docker 명령(여기서는 podman)이 명령을 읽었습니다.
 2. pier의 오프라인 이미지 모음에서 "hello-world" 이미지를 찾았습니다.
 3. 그 이미지로 새 컨테이너를 만들고, 이 메시지를 출력하는 프로그램을 실행했습니다.
 4. 컨테이너의 출력이 여러분의 터미널로 전달되었습니다.

Try something more ambitious / 더 해 보기:
 $ docker run -it debian:bookworm-slim bash
 $ docker run -d -p 8080:80 nginx

EOF
`;

/** Honours POSTGRES_PASSWORD, POSTGRES_USER, POSTGRES_DB and PGDATA; runs as postgres. */
const POSTGRES_ENTRYPOINT = `#!/bin/sh
# pier: a small take on the official image's entrypoint (Debian's PostgreSQL 15).
set -eu
PGDATA=\${PGDATA:-/var/lib/postgresql/data}
export PGDATA
if [ "\${1:-}" = postgres ] && [ "$(id -u)" = 0 ]; then
  mkdir -p "$PGDATA" /run/postgresql
  chown postgres:postgres "$PGDATA" /run/postgresql
  chmod 700 "$PGDATA"
  exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" "$@"
fi
if [ "\${1:-}" = postgres ] && [ ! -s "$PGDATA/PG_VERSION" ]; then
  user=\${POSTGRES_USER:-postgres}
  if [ -z "\${POSTGRES_PASSWORD:-}" ] && [ "\${POSTGRES_HOST_AUTH_METHOD:-}" != trust ]; then
    echo "Error: set POSTGRES_PASSWORD, e.g. docker run -e POSTGRES_PASSWORD=secret postgres" >&2
    echo "오류: POSTGRES_PASSWORD를 지정하세요. 예: docker run -e POSTGRES_PASSWORD=secret postgres" >&2
    exit 1
  fi
  pwfile=$(mktemp)
  printf '%s\\n' "\${POSTGRES_PASSWORD:-}" > "$pwfile"
  initdb --username="$user" --pwfile="$pwfile" --auth-local=trust --auth-host=\${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256} >/dev/null
  rm -f "$pwfile"
  echo "listen_addresses = '*'" >> "$PGDATA/postgresql.conf"
  echo "host all all all \${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}" >> "$PGDATA/pg_hba.conf"
  db=\${POSTGRES_DB:-$user}
  if [ "$db" != postgres ]; then
    pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w start >/dev/null
    createdb --username="$user" "$db"
    pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
  fi
  echo "PostgreSQL init process complete; ready for start up."
fi
exec "$@"
`;

/** Debian's docker-registry configuration without its htpasswd auth: open, on :5000. */
const REGISTRY_CONFIG = `version: 0.1
log:
  fields:
    service: registry
storage:
  cache:
    blobdescriptor: inmemory
  filesystem:
    rootdirectory: /var/lib/docker-registry
  delete:
    enabled: true
http:
  addr: :5000
  headers:
    X-Content-Type-Options: [nosniff]
`;

/** The set pier builds. */
export const IMAGE_SET: ImageSetRecipe = {
  version: IMAGE_SET_VERSION,
  suite: 'bookworm',
  excludes: ['/usr/share/doc/*', '/usr/share/man/*', '/usr/share/info/*', '/usr/share/locale/*'],
  images: [
    {
      name: 'debian',
      tags: ['docker.io/library/debian:bookworm-slim', 'docker.io/library/debian:bookworm', 'docker.io/library/debian:12', 'docker.io/library/debian:latest'],
      kind: 'debian',
      createdBy: 'mmdebstrap --variant=minbase bookworm',
      config: { cmd: ['bash'], env: [IMAGE_PATH] },
    },
    {
      name: 'busybox',
      tags: ['docker.io/library/busybox:latest'],
      kind: 'busybox',
      createdBy: 'Debian busybox-static with its applet links',
      config: { cmd: ['sh'], env: ['PATH=/bin'] },
    },
    {
      name: 'hello-world',
      tags: ['docker.io/library/hello-world:latest'],
      kind: 'derived',
      from: 'busybox',
      files: [{ path: '/hello', content: HELLO, mode: 0o755 }],
      createdBy: 'COPY hello /hello',
      config: { cmd: ['/hello'], env: ['PATH=/bin'] },
    },
    {
      name: 'nginx',
      tags: ['docker.io/library/nginx:latest', 'docker.io/library/nginx:1.22'],
      kind: 'derived',
      from: 'debian',
      // Like the official image where tutorials rely on it: the site is /usr/share/nginx/html
      // (its "Welcome to nginx!" page), curl is there, and the logs go to the container's
      // output, so `docker logs` shows them.
      packages: ['nginx', 'curl'],
      hooks: [
        'sed -i "s#root /var/www/html;#root /usr/share/nginx/html;#" "$1/etc/nginx/sites-available/default"',
        'ln -sfn /dev/stdout "$1/var/log/nginx/access.log"',
        'ln -sfn /dev/stderr "$1/var/log/nginx/error.log"',
      ],
      createdBy: 'apt-get install nginx',
      config: { cmd: ['nginx', '-g', 'daemon off;'], env: [IMAGE_PATH], expose: [80], stopSignal: 'SIGQUIT' },
    },
    {
      name: 'redis',
      tags: ['docker.io/library/redis:latest', 'docker.io/library/redis:7'],
      kind: 'derived',
      from: 'debian',
      packages: ['redis-server'],
      hooks: ['mkdir -p "$1/data"', 'chroot "$1" chown redis:redis /data'],
      createdBy: 'apt-get install redis-server',
      // No config file: listen on every address, stay in the foreground, data in /data.
      config: { cmd: ['redis-server', '--protected-mode', 'no'], env: [IMAGE_PATH], expose: [6379], user: 'redis', workdir: '/data', volumes: ['/data'] },
    },
    {
      name: 'postgres',
      tags: ['docker.io/library/postgres:latest', 'docker.io/library/postgres:15'],
      kind: 'derived',
      from: 'debian',
      packages: ['postgresql-15'],
      // The package's own cluster: the entrypoint makes one in PGDATA instead.
      hooks: ['rm -rf "$1/var/lib/postgresql/15" "$1/etc/postgresql/15"'],
      files: [{ path: '/usr/local/bin/docker-entrypoint.sh', content: POSTGRES_ENTRYPOINT, mode: 0o755 }],
      createdBy: 'apt-get install postgresql-15',
      config: {
        entrypoint: ['docker-entrypoint.sh'],
        cmd: ['postgres'],
        env: ['PATH=/usr/lib/postgresql/15/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'PGDATA=/var/lib/postgresql/data'],
        expose: [5432],
        stopSignal: 'SIGINT',
        volumes: ['/var/lib/postgresql/data'],
      },
    },
    {
      name: 'python',
      tags: ['docker.io/library/python:3', 'docker.io/library/python:3.11', 'docker.io/library/python:latest'],
      kind: 'derived',
      from: 'debian',
      packages: ['python3', 'python3-pip', 'python3-venv', 'python-is-python3'],
      // As in Docker Hub's python image, pip installs system-wide without a flag.
      hooks: ['rm -f "$1"/usr/lib/python3.*/EXTERNALLY-MANAGED'],
      createdBy: 'apt-get install python3 python3-pip python3-venv python-is-python3',
      config: { cmd: ['python3'], env: [IMAGE_PATH] },
    },
    {
      name: 'registry',
      tags: ['docker.io/library/registry:latest', 'docker.io/library/registry:2'],
      kind: 'derived',
      from: 'debian',
      packages: ['docker-registry'],
      files: [{ path: '/etc/docker/registry/config.yml', content: REGISTRY_CONFIG, mode: 0o644 }],
      createdBy: 'apt-get install docker-registry',
      config: {
        cmd: ['docker-registry', 'serve', '/etc/docker/registry/config.yml'],
        env: [IMAGE_PATH],
        expose: [5000],
        volumes: ['/var/lib/docker-registry'],
      },
    },
  ],
};

/** Length of an image set id (hex characters of the recipe's sha256). */
export const IMAGE_SET_ID_LENGTH = 12;

/** The id of a set: the first hex characters of the sha256 of its canonical JSON. */
export function imageSetHash(recipe: ImageSetRecipe): string {
  return createHash('sha256').update(canonicalJson(recipe)).digest('hex').slice(0, IMAGE_SET_ID_LENGTH);
}
