import * as fs from 'fs';
import * as path from 'path';
import { StageInstruction, renderDockerfile } from './dockerfile';
import { htmlDirProblems } from './html-dir';
import { REPOSITORY, checkPinnedImageReference, parseImageReference } from './image-reference';
import { BuildContextFile, NginxImageProps } from './nginx-image-props';
import { declaredSbom } from './sbom';
import { SitePlan, deriveSitePlan } from './site-plan';
import { describeValue } from '../input/describe';
import { MAX_PATH_LENGTH, PropReader, isPathUnder } from '../input/reader';
import { NginxConfig } from '../nginx/config';
import { Directive } from '../nginx/directive';
import { NGINX_CONF_DIR, NGINX_HTML_DIR, isUnder } from '../nginx/paths';
import { isNginxVersion, nginxVersionOfImage, versionProblems } from '../nginx/versions';
import { CONTEXT_MARKER_LINE } from '../output/folder';

/**
 * The default base image of the builder stage: the official nginx image on Alpine, pinned to a
 * concrete stable release. Pin a digest as well for reproducible builds (`nginx:<tag>@sha256:...`).
 */
export const DEFAULT_BASE_IMAGE = 'nginx:1.30.6-alpine';

/** uid and gid of distroless' "nonroot" user: high enough for kube-score and kubesec, shared by convention. */
export const DEFAULT_UID = 65532;

/** The script of the builder stage that collects nginx and its shared-library closure. */
export const COLLECT_ROOTFS_SCRIPT: string = fs.readFileSync(path.join(__dirname, 'collect-rootfs.sh'), 'utf8');

/** The script of the builder stage that writes the package records and the SBOM of the copied files. */
export const RECORD_PACKAGES_SCRIPT: string = fs.readFileSync(path.join(__dirname, 'record-packages.sh'), 'utf8');

/** Where the image's SBOM (CycloneDX 1.5 JSON, written by the builder) is. */
export const IMAGE_SBOM_PATH = '/var/lib/cdk8s-scratch-nginx/sbom.cdx.json';

const USER_NAME = /^[a-z_][a-z0-9_-]{0,31}$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;
const LABEL_KEY = /^[a-z0-9][a-z0-9._/-]*$/i;

/** Text as HTML character data (the generated pages are the only HTML this library writes). */
function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * The props' `image`, checked: every construct needs a real NginxImage to build anything, so anything else
 * fails at once, with the construct path and the fix.
 *
 * @param props the construct's props, whatever a caller passed.
 * @param where the construct path.
 */
export function requireNginxImage(props: unknown, where: string): NginxImage {
  const image = typeof props === 'object' && props !== null ? (props as { image?: unknown }).image : undefined;
  if (image instanceof NginxImage) return image;
  const given = image === undefined ? 'is missing' : `${describeValue(image)} is not an NginxImage`;
  throw new Error(`[${where}] image ${given}; pass one, such as new NginxImage({ config: new NginxConfig() }).`);
}

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
  /** The nginx version of the base image, if known (given, or read from its tag). */
  public readonly nginxVersion?: string;
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
  /** Problems of the props, found as they were read. */
  private readonly propProblems: string[];
  private readonly memos = new Map<(this: NginxImage) => unknown, unknown>();

  constructor(props: NginxImageProps) {
    const raw: unknown = props;
    const given = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? props : {} as NginxImageProps;
    const reader = new PropReader();
    if (given !== raw) reader.fail('props', raw, 'is not an object of NginxImage props', 'pass an object, such as { config: new NginxConfig() }.');
    const p = given as unknown as { [key: string]: unknown };
    if (p.config instanceof NginxConfig) {
      this.config = p.config;
      // The image takes the configuration as a value: its Dockerfile, plan and build context describe it as
      // it is now, and nothing can change it afterwards.
      this.config._seal();
    } else {
      reader.fail('config', p.config, 'is not an NginxConfig', 'pass one, such as new NginxConfig().');
      this.config = new NginxConfig();
    }
    this.repository = reader.string('repository', p.repository, 'localhost/scratch-nginx', {
      pattern: REPOSITORY, maxLength: 255, example: 'registry.example.com/team/site', expected: "a valid image repository (lower-case letters, digits, '.', '_', '-' and '/')",
    });
    this.tag = reader.string('tag', p.tag, '0.1.0', { pattern: TAG, maxLength: 128, example: '1.0.0', expected: "an image tag (letters, digits, '_', '.' and '-')" });
    this.digest = reader.optionalString('digest', p.digest, { pattern: DIGEST, maxLength: 71, example: `sha256:${'0'.repeat(64)}`, expected: 'sha256: and 64 lower-case hex digits' });
    this.baseImage = reader.string('baseImage', p.baseImage, DEFAULT_BASE_IMAGE, { maxLength: 512, example: DEFAULT_BASE_IMAGE, expected: 'an image reference' });
    this.nginxVersion = reader.optionalString('nginxVersion', p.nginxVersion, {
      pattern: /^[0-9]{1,4}\.[0-9]{1,4}(?:\.[0-9]{1,4})?$/, maxLength: 14, example: '1.22.1', expected: 'an nginx version such as 1.22.1',
    }) ?? nginxVersionOfImage(this.baseImage);
    // 0 is kept, for the validation's message on why root is refused.
    const id = (prop: string, value: unknown, fallback: number) => (value === 0 ? 0
      : reader.integer(prop, value, fallback, { min: 1, max: 2147483647, example: DEFAULT_UID, why: 'a non-root id; 10000 or more for kube-score and kubesec' }));
    this.uid = id('uid', p.uid, DEFAULT_UID);
    this.gid = id('gid', p.gid, this.uid);
    this.userName = reader.string('userName', p.userName, 'nginx', {
      pattern: USER_NAME, maxLength: 32, example: 'nginx', expected: "a user name (lower-case letters, digits, '_' and '-', starting with a letter or '_')",
    });
    this.htmlDir = reader.optionalString('htmlDir', p.htmlDir, { maxLength: MAX_PATH_LENGTH, example: 'html', expected: 'a local folder' });
    // Stryker disable next-line ArrayDeclaration: the fallback is taken only with a recorded problem, which fails the synth before anything is built from it.
    this.files = p.files === undefined ? undefined : reader.list('files', p.files, [], (prop, f) => reader.optionalPath(prop, f ?? null, { example: '/lib/ld-musl-x86_64.so.1' }),
      "['/usr/sbin/nginx', '/lib/ld-musl-x86_64.so.1']");
    this.nginxBinary = reader.path('nginxBinary', p.nginxBinary, '/usr/sbin/nginx', { example: '/usr/sbin/nginx' });
    this.extraLabels = reader.stringMap('labels', p.labels ?? {},
      { pattern: LABEL_KEY, maxLength: 128, example: 'org.opencontainers.image.source', expected: "a label name of letters, digits, '.', '_', '-' and '/'" },
      { allowEmpty: true, maxLength: 4096, example: 'https://example.com/site', expected: 'a value on one line' });
    this.propProblems = reader.problems;
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
    // Every prop below is a value in an instruction; renderDockerfile alone quotes it or refuses it.
    const plan = this.plan;
    const runtimeDir = plan.runtimeDir;
    const inRootfs = (p: string): string => `/rootfs${p}`;
    const setup: string[][] = [
      ...(this.files ? [] : [['sh', '/build/collect-rootfs.sh', '/rootfs', ...this.closureRoots]]),
      ['mkdir', '-p', inRootfs(`${NGINX_CONF_DIR}/conf.d`), inRootfs(NGINX_HTML_DIR), inRootfs(runtimeDir)],
      // The runtime folder belongs to the runtime user, so a runtime that creates the volume from the image
      // (Docker, ECS/Fargate bind mounts) makes it writable for nginx; Kubernetes mounts an emptyDir over it.
      ['chown', `${plan.uid}:${plan.gid}`, inRootfs(runtimeDir)],
      ['chmod', '0700', inRootfs(runtimeDir)],
      ['cp', `${NGINX_CONF_DIR}/mime.types`, inRootfs(`${NGINX_CONF_DIR}/mime.types`)],
      // The package records (dpkg status.d or the apk database) and the SBOM of exactly the files copied.
      ['sh', '/build/record-packages.sh', '/rootfs', ...(this.files ?? [])],
    ];
    const builder: StageInstruction[] = [
      ...(this.files ? [] : [{ kind: 'COPY', sources: ['collect-rootfs.sh'], destination: '/build/collect-rootfs.sh' } as const]),
      { kind: 'COPY', sources: ['record-packages.sh'], destination: '/build/record-packages.sh' },
      { kind: 'RUN', commands: setup },
      // passwd and group are files of the build context, generated here: no shell ever writes them.
      { kind: 'COPY', sources: this.accountFilePaths(), destination: inRootfs('/etc/') },
    ];
    const ports = plan.containerPorts;
    const final: StageInstruction[] = [
      { kind: 'COPY', from: 'builder', sources: ['/rootfs/'], destination: '/' },
      ...(this.files ?? []).map((f): StageInstruction => ({ kind: 'COPY', from: 'builder', sources: [f], destination: f })),
      { kind: 'COPY', sources: ['nginx.conf'], destination: `${NGINX_CONF_DIR}/nginx.conf` },
      { kind: 'COPY', sources: ['conf.d/'], destination: `${NGINX_CONF_DIR}/conf.d/` },
      { kind: 'COPY', sources: ['html/'], destination: `${NGINX_HTML_DIR}/` },
      { kind: 'LABEL', labels: this.labels },
      { kind: 'VOLUME', paths: [runtimeDir] },
      { kind: 'USER', uid: plan.uid, gid: plan.gid },
      ...(ports.length > 0 ? [{ kind: 'EXPOSE', ports } as const] : []),
      { kind: 'STOPSIGNAL', signal: 'SIGQUIT' },
      { kind: 'CMD', argv: this.command() },
    ];
    // No `# syntax=` line: nothing here needs a BuildKit frontend, and naming one makes BuildKit (cdk deploy)
    // pull it from a registry, which fails offline.
    return renderDockerfile({
      header: ['Generated by cdk8s-scratch-nginx. Do not edit by hand.'],
      stages: [
        {
          comments: [this.files
            ? 'Builder: the listed files, mime.types, their package records and SBOM, and a passwd/group holding only the runtime user.'
            : 'Builder: nginx with the shared libraries ldd says it needs, mime.types, their package records and SBOM, and a passwd/group holding only the runtime user.'],
          from: { kind: 'FROM', image: this.baseImage, stageName: 'builder' },
          instructions: builder,
        },
        {
          comments: ['Final: no shell, no package manager; only nginx, its libraries, the config and the html.'],
          from: { kind: 'FROM', image: 'scratch' },
          instructions: final,
        },
      ],
    });
  }

  /** Build-context paths of the image's `/etc/passwd` and `/etc/group`. */
  private accountFilePaths(): string[] {
    return ['rootfs/etc/passwd', 'rootfs/etc/group'];
  }

  /**
   * The image's `/etc/passwd` and `/etc/group` (build-context files the builder copies into `/rootfs/etc/`),
   * holding only the runtime user. Throws on a user name or id that would add fields or lines.
   */
  private accountFiles(): BuildContextFile[] {
    // uid and gid are whole numbers from 0 up, as read from the props (a wrong value falls back to the default).
    if (!USER_NAME.test(this.userName)) {
      throw new Error(`image userName ${JSON.stringify(this.userName)} is not a valid user name; /etc/passwd cannot hold it.`);
    }
    const name = this.userName;
    const [passwd, group] = this.accountFilePaths();
    return [
      { path: passwd, content: `${[name, 'x', this.uid, this.gid, name, '/nonexistent', '/sbin/nologin'].join(':')}\n` },
      { path: group, content: `${[name, 'x', this.gid, ''].join(':')}\n` },
    ];
  }

  /** Every file of the build context, sorted by path. Reads `htmlDir` when set. */
  public buildContext(): BuildContextFile[] {
    return [...this.memo(this.computeBuildContext)];
  }

  /**
   * The declared SBOM (CycloneDX 1.5 JSON): the image, its base and every file the build context puts into
   * the image with its SHA-256. The same text as the build context's `sbom.cdx.json`; the builder's SBOM
   * in the image adds the packages. Reads `htmlDir` when set.
   */
  public declaredSbom(): string {
    return this.memo(this.computeBuildContext).find(f => f.path === 'sbom.cdx.json')!.content;
  }

  /** A derived output, computed once by its method (the image and its sealed config never change). */
  private memo<T>(compute: (this: NginxImage) => T): T {
    if (!this.memos.has(compute)) this.memos.set(compute, compute.call(this));
    return this.memos.get(compute) as T;
  }

  /**
   * The derived plan: ports, probe, uid/gid, writable paths, TLS mounts, egress, grace period and image
   * reference, computed once. Every output (Dockerfile, workload, Fargate, NetworkPolicy, report) reads it.
   */
  public get plan(): SitePlan {
    return this.memo(this.derivePlan);
  }

  private derivePlan(): SitePlan {
    return deriveSitePlan(this);
  }

  private computeBuildContext(): BuildContextFile[] {
    const files: BuildContextFile[] = [
      { path: 'Dockerfile', content: this.dockerfile() },
      { path: '.dockerignore', content: `${CONTEXT_MARKER_LINE}\n# Only what the Dockerfile copies.\n*\n!Dockerfile\n!collect-rootfs.sh\n!record-packages.sh\n!nginx.conf\n!conf.d/\n!html/\n!rootfs/\n` },
      ...this.accountFiles(),
      ...this.config.files(),
      ...this.htmlFiles(),
    ];
    if (!this.files) {
      files.push({ path: 'collect-rootfs.sh', content: COLLECT_ROOTFS_SCRIPT });
    }
    files.push({ path: 'record-packages.sh', content: RECORD_PACKAGES_SCRIPT });
    // The declared SBOM: not copied into the image (the .dockerignore keeps it out), it lists what is.
    files.push({ path: 'sbom.cdx.json', content: declaredSbom({ repository: this.repository, tag: this.tag, baseImage: this.baseImage, files }) });
    // Stryker disable next-line EqualityOperator: the paths are distinct, so < and <= order them alike.
    return files.sort((a, b) => (a.path < b.path ? -1 : 1));
  }

  /**
   * Warnings about the image: the configuration's (`NginxConfig.warnings()`), and each folder a server answers
   * from with files that the image does not fill (it ships the html at /usr/share/nginx/html only), where those
   * requests would get 404 or 403.
   */
  public warnings(): string[] {
    return [...this.memo(this.computeWarnings)];
  }

  private computeWarnings(): string[] {
    const warnings = [...this.config.warnings()];
    const servers = this.config.serverDirectives();
    this.config.servers.forEach((server, i) => {
      for (const root of unfilledRoots(servers[i], [server.healthPath, server.statusPath])) {
        warnings.push(`server '${server.name}' answers requests with files from ${root}, but the image ships its html at ${NGINX_HTML_DIR} only, so those requests get 404 or 403. Set root to ${NGINX_HTML_DIR} (htmlDir fills it), or leave it if those locations only proxy.`);
      }
    });
    return warnings;
  }

  /** Problems with the image, each saying what is wrong and how to fix it (the config is checked too). */
  public validate(): string[] {
    return [...this.memo(this.computeValidate)];
  }

  private computeValidate(): string[] {
    const problems: string[] = [...this.propProblems];
    problems.push(...checkPinnedImageReference(this.baseImage, 'baseImage'));
    problems.push(...checkPinnedImageReference(this.digest ? `${this.repository}:${this.tag}@${this.digest}` : `${this.repository}:${this.tag}`, 'image'));
    for (const [what, id] of [['uid', this.uid], ['gid', this.gid]] as const) {
      if (id === 0) {
        problems.push(`${what} is 0 (root); Pod Security Standards "restricted" rejects root and a root nginx can rewrite its own image. Use a non-zero id, such as 65532.`);
      }
    }
    if (this.files && !this.files.includes(this.nginxBinary)) {
      problems.push(`files does not list the nginx binary ${this.nginxBinary}; add it, or leave files unset to compute the closure with ldd.`);
    }
    // The writable volume at runtimeDir hides what the image ships below it: nginx would not even start.
    const runtimeDir = this.config.runtimeDir;
    for (const shipped of [this.nginxBinary, ...this.config.modules, ...(this.files ?? []), '/etc/passwd', '/lib', '/usr/lib', '/lib64']) {
      if (isPathUnder(shipped, runtimeDir)) {
        problems.push(`runtimeDir ${JSON.stringify(runtimeDir)} holds ${shipped}, which the image ships; the writable volume mounted there would hide it and nginx would not start. Use a folder of its own, such as '/dev/shm'.`);
        break;
      }
    }
    if (this.htmlDir !== undefined) problems.push(...htmlDirProblems(this.htmlDir));
    problems.push(...this.config.validate());
    if (this.nginxVersion !== undefined && isNginxVersion(this.nginxVersion)) {
      problems.push(...versionProblems(this.config.effectiveTree(), this.nginxVersion));
    }
    return problems;
  }

  private htmlFiles(): BuildContextFile[] {
    if (this.htmlDir === undefined) {
      const title = escapeHtml(this.repository.split('/').pop() ?? 'nginx');
      return [
        { path: 'html/index.html', content: `<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>${title}</title></head>\n<body><h1>${title}</h1><p>Served by nginx from a FROM-scratch image.</p></body></html>\n` },
        { path: 'html/50x.html', content: '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>Error</title></head>\n<body><h1>Something went wrong.</h1><p>Please try again later.</p></body></html>\n' },
      ];
    }
    const root = this.htmlDir;
    const out: BuildContextFile[] = [];
    const list = (dir: string): fs.Dirent[] => {
      try {
        return fs.readdirSync(dir, { withFileTypes: true });
      } catch (e) {
        // A folder removed while it is read (another process's temp files) has nothing to copy.
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw new Error(`htmlDir ${JSON.stringify(this.htmlDir)}: cannot read ${dir} (${(e as NodeJS.ErrnoException).code ?? 'error'}); make every folder under htmlDir readable, or point htmlDir at another folder.`);
      }
    };
    const walk = (rel: string) => {
      // In the order readdir gives: the whole context is sorted by path.
      for (const entry of list(path.join(root, rel))) {
        const r = rel ? `${rel}/${entry.name}` : entry.name;
        if (entry.isDirectory()) walk(r);
        else if (entry.isFile()) out.push({ path: `html/${r}`, content: '', sourcePath: path.resolve(root, r) });
      }
    };
    walk('');
    return out;
  }
}

/** Directives that answer a request themselves (a content handler), so their location serves no files. */
const CONTENT_HANDLERS = new Set([
  'proxy_pass', 'fastcgi_pass', 'uwsgi_pass', 'scgi_pass', 'grpc_pass', 'memcached_pass', 'return', 'stub_status', 'empty_gif',
  'echo', 'js_content', 'perl', 'api', 'try_files',
]);

/**
 * The folders outside the shipped html that a rendered server answers from with files: each location without a
 * content handler (its own root or alias, else the server's root), and the server's root for requests no
 * location matches. A location using try_files counts as serving files from its root unless it ends in a
 * named location or a code.
 */
function unfilledRoots(server: Directive | undefined, skip: ReadonlyArray<string | undefined>): string[] {
  if (!server?.block) return [];
  const serverRoot = server.block.find(d => d.name === 'root')?.args[0] ?? NGINX_HTML_DIR;
  const roots = new Set<string>();
  const visit = (location: Directive, inherited: string) => {
    const block = location.block ?? [];
    const root = block.find(d => d.name === 'root' || d.name === 'alias')?.args[0] ?? inherited;
    const tryFiles = block.find(d => d.name === 'try_files');
    const handler = block.some(d => CONTENT_HANDLERS.has(d.name) && d.name !== 'try_files');
    if (!handler && (tryFiles !== undefined || !block.some(d => d.name === 'location'))) roots.add(root);
    for (const nested of block.filter(d => d.name === 'location')) visit(nested, root);
  };
  const locations = server.block.filter(d => d.name === 'location' && !(d.args[0] === '=' && skip.includes(d.args[1])));
  for (const l of locations) visit(l, serverRoot);
  if (!locations.some(l => l.args.length === 1 && l.args[0] === '/')) roots.add(serverRoot);
  return [...roots].filter(r => typeof r === 'string' && !r.includes('$') && !isUnder(r, NGINX_HTML_DIR)).sort();
}
