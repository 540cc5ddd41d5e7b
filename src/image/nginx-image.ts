import * as fs from 'fs';
import * as path from 'path';
import { CONTEXT_MARKER_LINE } from './build-context';
import { DockerfileInstruction, DockerfileStage, execForm, ins, labelPair, renderDockerfile } from './dockerfile';
import { checkPinnedImageReference, parseImageReference } from './image-reference';
import { NginxConfig } from '../nginx/config';
import { NGINX_CONF_DIR, NGINX_HTML_DIR, checkAbsolutePath } from '../nginx/paths';

/**
 * The default base image of the builder stage: the official nginx image on Alpine, pinned to a
 * concrete stable release. Pin a digest as well for reproducible builds (`nginx:<tag>@sha256:...`).
 */
export const DEFAULT_BASE_IMAGE = 'nginx:1.30.6-alpine';

/** uid and gid of distroless' "nonroot" user: high enough for kube-score and kubesec, shared by convention. */
export const DEFAULT_UID = 65532;

/** The script of the builder stage that collects nginx and its shared-library closure. */
export const COLLECT_ROOTFS_SCRIPT: string = fs.readFileSync(path.join(__dirname, 'collect-rootfs.sh'), 'utf8');

/** One file of an image build context. */
export interface BuildContextFile {
  /** Path relative to the context directory, with `/` separators. */
  readonly path: string;
  /** File content (text). Empty when `sourcePath` is set. */
  readonly content: string;
  /**
   * A local file copied byte for byte instead of `content` (html, images, fonts).
   * @default - the file is `content`
   */
  readonly sourcePath?: string;
}

/** Properties of a scratch nginx image. */
export interface NginxImageProps {
  /** The nginx configuration baked into the image (`/etc/nginx/nginx.conf` and `conf.d/`). */
  readonly config: NginxConfig;
  /**
   * Repository the image is tagged with and pulled from, registry included.
   * @default 'localhost/scratch-nginx'
   */
  readonly repository?: string;
  /**
   * Tag of the built image (never `latest`).
   * @default '0.1.0'
   */
  readonly tag?: string;
  /**
   * Digest of the pushed image (`sha256:...`). When set, the workload pulls `repository@digest`.
   * @default - the workload pulls `repository:tag`
   */
  readonly digest?: string;
  /**
   * Base image of the builder stage, pinned by tag or digest: nginx and its libraries come from it.
   * Any image with `/usr/sbin/nginx`, `ldd`, `/bin/sh` and `/etc/nginx/mime.types` works (Alpine or Debian).
   * @default DEFAULT_BASE_IMAGE (nginx:1.30.6-alpine)
   */
  readonly baseImage?: string;
  /**
   * Numeric uid nginx runs as. The image's `USER`, the pod's `runAsUser` and `/etc/passwd` all use it.
   * @default 65532
   */
  readonly uid?: number;
  /**
   * Numeric gid nginx runs as.
   * @default - the same as `uid`
   */
  readonly gid?: number;
  /**
   * Name of the runtime user in the image's `/etc/passwd` and `/etc/group`.
   * @default 'nginx'
   */
  readonly userName?: string;
  /**
   * Local directory whose files are served from `/usr/share/nginx/html` (copied into the build context).
   * @default - a generated index.html and 50x.html
   */
  readonly htmlDir?: string;
  /**
   * Explicit list of files to copy from the base image instead of computing the closure with `ldd`
   * (the seed's way). Each is an absolute path; list nginx itself, every library and the loader.
   * @default - the closure of nginx and its modules, computed at build time
   */
  readonly files?: string[];
  /**
   * Path of the nginx binary in the base image.
   * @default '/usr/sbin/nginx'
   */
  readonly nginxBinary?: string;
  /**
   * Extra or overriding image labels.
   * @default - only the org.opencontainers.image.* labels derived from the image
   */
  readonly labels?: { [key: string]: string };
}

const USER_NAME = /^[a-z_][a-z0-9_-]{0,31}$/;
const REPOSITORY = /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?::[0-9]+)?(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;

/**
 * A FROM-scratch nginx image: a builder stage that collects nginx, its libraries and a one-user passwd
 * from a pinned base image, and a final stage with only those files, the config and the html.
 *
 * A plain class, not a construct: it renders the build context; `ScratchImage` writes it at synth.
 */
export class NginxImage {
  /** The default base image of the builder stage. */
  public static readonly DEFAULT_BASE_IMAGE: string = DEFAULT_BASE_IMAGE;
  /** The default uid and gid (distroless "nonroot"). */
  public static readonly DEFAULT_UID: number = DEFAULT_UID;

  /** The nginx configuration baked into the image. */
  public readonly config: NginxConfig;
  /** Repository of the built image. */
  public readonly repository: string;
  /** Tag of the built image. */
  public readonly tag: string;
  /** Digest of the pushed image, if known. */
  public readonly digest?: string;
  /** Base image of the builder stage. */
  public readonly baseImage: string;
  /** Runtime uid. */
  public readonly uid: number;
  /** Runtime gid. */
  public readonly gid: number;
  /** Runtime user name. */
  public readonly userName: string;
  /** Local html directory, if any. */
  public readonly htmlDir?: string;
  /** Explicit file list, if any. */
  public readonly files?: string[];
  /** Path of the nginx binary. */
  public readonly nginxBinary: string;
  private readonly extraLabels: { [key: string]: string };
  private readonly memos = new Map<string, unknown>();

  constructor(props: NginxImageProps) {
    this.config = props.config;
    this.repository = props.repository ?? 'localhost/scratch-nginx';
    this.tag = props.tag ?? '0.1.0';
    this.digest = props.digest;
    this.baseImage = props.baseImage ?? DEFAULT_BASE_IMAGE;
    this.uid = props.uid ?? DEFAULT_UID;
    this.gid = props.gid ?? this.uid;
    this.userName = props.userName ?? 'nginx';
    this.htmlDir = props.htmlDir;
    this.files = props.files ? [...props.files] : undefined;
    this.nginxBinary = props.nginxBinary ?? '/usr/sbin/nginx';
    this.extraLabels = { ...(props.labels ?? {}) };
  }

  /** The reference the workload pulls: `repository@digest` when the digest is known, else `repository:tag`. */
  public get imageReference(): string {
    return this.digest ? `${this.repository}@${this.digest}` : `${this.repository}:${this.tag}`;
  }

  /** The reference the image is built and tagged as (`repository:tag`). */
  public get buildTag(): string {
    return `${this.repository}:${this.tag}`;
  }

  /** The image's `org.opencontainers.image.*` labels plus `labels`. */
  public get labels(): { [key: string]: string } {
    const base = parseImageReference(this.baseImage);
    const labels: { [key: string]: string } = {
      'org.opencontainers.image.title': this.repository.split('/').pop() ?? this.repository,
      'org.opencontainers.image.description': 'nginx in a FROM-scratch image, non-root, for a read-only root filesystem (cdk8s-scratch-nginx)',
      'org.opencontainers.image.version': this.tag,
      'org.opencontainers.image.base.name': this.baseImage,
    };
    if (base.digest) labels['org.opencontainers.image.base.digest'] = base.digest;
    return { ...labels, ...this.extraLabels };
  }

  /** The files the builder stage copies from the base image into the final stage, when computed with ldd. */
  public get closureRoots(): string[] {
    return [this.nginxBinary, ...this.config.modules];
  }

  /**
   * The command that starts nginx in the foreground, errors to stderr from the first line.
   *
   * @param configFile the main configuration file.
   */
  public command(configFile: string = `${NGINX_CONF_DIR}/nginx.conf`): string[] {
    return [this.nginxBinary, '-e', 'stderr', '-c', configFile, '-g', 'daemon off;'];
  }

  /** The Dockerfile. */
  public dockerfile(): string {
    const uid = String(this.uid);
    const gid = String(this.gid);
    const setup = [
      ...(this.files ? [] : [`sh /build/collect-rootfs.sh /rootfs ${this.closureRoots.join(' ')}`]),
      `mkdir -p /rootfs/etc${NGINX_CONF_DIR.slice('/etc'.length)}/conf.d /rootfs${NGINX_HTML_DIR} /rootfs${this.config.runtimeDir}`,
      // The runtime folder belongs to the runtime user, so a runtime that creates the volume from the image
      // (Docker, ECS/Fargate bind mounts) makes it writable for nginx; Kubernetes mounts an emptyDir over it.
      `chown ${uid}:${gid} /rootfs${this.config.runtimeDir}`,
      `chmod 0700 /rootfs${this.config.runtimeDir}`,
      `cp ${NGINX_CONF_DIR}/mime.types /rootfs${NGINX_CONF_DIR}/mime.types`,
      `printf '%s\\n' '${this.userName}:x:${uid}:${gid}:${this.userName}:/nonexistent:/sbin/nologin' > /rootfs/etc/passwd`,
      `printf '%s\\n' '${this.userName}:x:${gid}:' > /rootfs/etc/group`,
    ];
    const builder: DockerfileInstruction[] = [
      ...(this.files ? [] : [ins('COPY', 'collect-rootfs.sh /build/collect-rootfs.sh')]),
      ins('RUN', setup.join(' \\\n && ')),
    ];
    const labels = this.labels;
    const final: DockerfileInstruction[] = [
      ins('COPY', '--from=builder /rootfs/ /'),
      ...(this.files ?? []).map(f => ins('COPY', `--from=builder ${execForm([f, f])}`)),
      ins('COPY', `nginx.conf ${NGINX_CONF_DIR}/nginx.conf`),
      ins('COPY', `conf.d/ ${NGINX_CONF_DIR}/conf.d/`),
      ins('COPY', `html/ ${NGINX_HTML_DIR}/`),
      ins('LABEL', Object.keys(labels).sort().map(k => labelPair(k, labels[k])).join(' \\\n      ')),
      ins('VOLUME', execForm([this.config.runtimeDir])),
      ins('USER', `${uid}:${gid}`),
      ins('EXPOSE', this.config.listenPorts().map(p => `${p}/tcp`).join(' ')),
      ins('STOPSIGNAL', 'SIGQUIT'),
      ins('CMD', execForm(this.command())),
    ];
    const stages: DockerfileStage[] = [
      {
        from: this.baseImage,
        name: 'builder',
        comment: [this.files
          ? 'Builder: the listed files, mime.types and a passwd/group holding only the runtime user.'
          : 'Builder: nginx with the shared libraries ldd says it needs, mime.types and a passwd/group holding only the runtime user.'],
        instructions: builder,
      },
      {
        from: 'scratch',
        comment: ['Final: no shell, no package manager; only nginx, its libraries, the config and the html.'],
        instructions: final,
      },
    ];
    return renderDockerfile(stages, ['syntax=docker/dockerfile:1', 'Generated by cdk8s-scratch-nginx. Do not edit by hand.']);
  }

  /** Every file of the build context, sorted by path. Reads `htmlDir` when set. */
  public buildContext(): BuildContextFile[] {
    return [...this.memo('buildContext', () => this.computeBuildContext())];
  }

  private memo<T>(name: string, compute: () => T): T {
    const key = `${name}|${this.config._stateKey()}`;
    if (!this.memos.has(key)) this.memos.set(key, compute());
    return this.memos.get(key) as T;
  }

  private computeBuildContext(): BuildContextFile[] {
    const files: BuildContextFile[] = [
      { path: 'Dockerfile', content: this.dockerfile() },
      { path: '.dockerignore', content: `${CONTEXT_MARKER_LINE}\n# Only what the Dockerfile copies.\n*\n!Dockerfile\n!collect-rootfs.sh\n!nginx.conf\n!conf.d/\n!html/\n` },
      ...this.config.files(),
      ...this.htmlFiles(),
    ];
    if (!this.files) {
      files.push({ path: 'collect-rootfs.sh', content: COLLECT_ROOTFS_SCRIPT });
    }
    return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  /** Problems with the image, each saying what is wrong and how to fix it (the config is checked too). */
  public validate(): string[] {
    return [...this.memo('validate', () => this.computeValidate())];
  }

  private computeValidate(): string[] {
    const problems: string[] = [];
    problems.push(...checkPinnedImageReference(this.baseImage, 'baseImage'));
    if (!REPOSITORY.test(this.repository)) {
      problems.push(`repository ${JSON.stringify(this.repository)} is not a valid image repository; use lower-case letters, digits, '.', '_', '-' and '/', such as 'registry.example.com/team/site'.`);
    }
    problems.push(...checkPinnedImageReference(this.digest ? `${this.repository}:${this.tag}@${this.digest}` : `${this.repository}:${this.tag}`, 'image'));
    for (const [what, id] of [['uid', this.uid], ['gid', this.gid]] as const) {
      if (!Number.isInteger(id) || id < 0 || id > 2147483647) {
        problems.push(`${what} ${id} is not a valid id; use a whole number from 1 to 2147483647, such as 65532.`);
      } else if (id === 0) {
        problems.push(`${what} is 0 (root); Pod Security Standards "restricted" rejects root and a root nginx can rewrite its own image. Use a non-zero id, such as 65532.`);
      }
    }
    if (!USER_NAME.test(this.userName)) {
      problems.push(`userName ${JSON.stringify(this.userName)} is not a valid user name; use lower-case letters, digits, '_' and '-', such as 'nginx'.`);
    }
    problems.push(...checkAbsolutePath(this.nginxBinary, 'nginxBinary', "'/usr/sbin/nginx'"));
    for (const f of this.files ?? []) {
      problems.push(...checkAbsolutePath(f, 'files entry', "'/lib/ld-musl-x86_64.so.1'"));
    }
    if (this.files && !this.files.includes(this.nginxBinary)) {
      problems.push(`files does not list the nginx binary ${this.nginxBinary}; add it, or leave files unset to compute the closure with ldd.`);
    }
    if (this.htmlDir !== undefined && !(fs.existsSync(this.htmlDir) && fs.statSync(this.htmlDir).isDirectory())) {
      problems.push(`htmlDir ${JSON.stringify(this.htmlDir)} is not a directory; point it at the folder holding index.html (relative paths are resolved from ${process.cwd()}).`);
    }
    for (const [k, v] of Object.entries(this.extraLabels)) {
      if (!/^[a-z0-9][a-z0-9._/-]*$/i.test(k) || /[\r\n]/.test(v)) {
        problems.push(`label ${JSON.stringify(k)} must be a name of letters, digits, '.', '_', '-', '/' with a value on one line.`);
      }
    }
    problems.push(...this.config.validate());
    return problems;
  }

  private htmlFiles(): BuildContextFile[] {
    if (this.htmlDir === undefined) {
      const title = this.repository.split('/').pop() ?? 'nginx';
      return [
        { path: 'html/index.html', content: `<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>${title}</title></head>\n<body><h1>${title}</h1><p>Served by nginx from a FROM-scratch image.</p></body></html>\n` },
        { path: 'html/50x.html', content: '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>Error</title></head>\n<body><h1>Something went wrong.</h1><p>Please try again later.</p></body></html>\n' },
      ];
    }
    const root = this.htmlDir;
    if (!fs.existsSync(root)) return [];
    const out: BuildContextFile[] = [];
    const walk = (rel: string) => {
      for (const entry of fs.readdirSync(path.join(root, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
        const r = rel ? `${rel}/${entry.name}` : entry.name;
        if (entry.isDirectory()) walk(r);
        else if (entry.isFile()) out.push({ path: `html/${r}`, content: '', sourcePath: path.resolve(root, r) });
      }
    };
    walk('');
    return out;
  }
}
