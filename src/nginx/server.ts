import { Directive } from './directive';
import { NGINX_HTML_DIR, checkAbsolutePath } from './paths';

/** How a `location` matches the request URI. */
export enum LocationModifier {
  /** Longest matching prefix (no modifier). */
  PREFIX = 'PREFIX',
  /** Exact match (`=`). */
  EXACT = 'EXACT',
  /** Prefix match that skips the regular expressions (`^~`). */
  PREFERRED_PREFIX = 'PREFERRED_PREFIX',
  /** Case-sensitive regular expression (`~`). */
  REGEX = 'REGEX',
  /** Case-insensitive regular expression (`~*`). */
  REGEX_CASE_INSENSITIVE = 'REGEX_CASE_INSENSITIVE',
}

const MODIFIER_TOKEN: Record<LocationModifier, string | undefined> = {
  [LocationModifier.PREFIX]: undefined,
  [LocationModifier.EXACT]: '=',
  [LocationModifier.PREFERRED_PREFIX]: '^~',
  [LocationModifier.REGEX]: '~',
  [LocationModifier.REGEX_CASE_INSENSITIVE]: '~*',
};

/** Options of a `location` block. */
export interface NginxLocationOptions {
  /**
   * How the location matches.
   * @default LocationModifier.PREFIX
   */
  readonly modifier?: LocationModifier;
  /**
   * Directives inside the location block.
   * @default - an empty block
   */
  readonly directives?: Directive[];
}

/** Options of one nginx `server`, rendered to `conf.d/<name>.conf`. */
export interface NginxServerOptions {
  /**
   * File name of the server under `conf.d/` (without `.conf`): lower-case letters, digits, `-`, `_`.
   */
  readonly name: string;
  /**
   * Port nginx listens on. A non-root nginx cannot bind below 1024; the Service maps its own port to this one.
   * @default 8080
   */
  readonly port?: number;
  /**
   * Host names of this server (`server_name`).
   * @default ['localhost']
   */
  readonly serverNames?: string[];
  /**
   * Whether this server is the `default_server` of its port.
   * @default false
   */
  readonly defaultServer?: boolean;
  /**
   * Document root (absolute path in the image).
   * @default '/usr/share/nginx/html'
   */
  readonly root?: string;
  /**
   * Index files, in order.
   * @default ['index.html', 'index.htm']
   */
  readonly index?: string[];
  /**
   * Path of the health endpoint used by the Kubernetes probes: an exact location that returns 200 with
   * access logging off.
   * @default '/healthz'
   */
  readonly healthPath?: string;
  /**
   * Page shown for 500, 502, 503 and 504 (internal location under the document root).
   * @default '/50x.html'
   */
  readonly errorPage?: string;
}

const SERVER_FILE_NAME = /^[a-z0-9][a-z0-9_-]*$/;
const BAD_SERVER_NAME = /[\s;{}"'\\#]/;
const LABEL = '[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?';
/** A host name, optionally with a leading `*.` or `.`, or a trailing `.*` wildcard (nginx's rules); or `_`. */
const SERVER_NAME = new RegExp(`^(?:_|(?:\\*\\.|\\.)?${LABEL}(?:\\.${LABEL})*(?:\\.\\*)?)$`, 'i');

/** One nginx server (virtual host). Build it with `NginxConfig.addServer`. */
export class NginxServer {
  /** File name under `conf.d/` without `.conf`. */
  public readonly name: string;
  /** Listen port. */
  public readonly port: number;
  /** `server_name` values. */
  public readonly serverNames: string[];
  /** Whether this is the port's default server. */
  public readonly defaultServer: boolean;
  /** Document root. */
  public readonly root: string;
  /** Index files. */
  public readonly index: string[];
  /** Health endpoint path. */
  public readonly healthPath: string;
  /** Error page path. */
  public readonly errorPage: string;

  private readonly locations: Directive[] = [];
  private readonly extra: Directive[] = [];

  constructor(options: NginxServerOptions) {
    this.name = options.name;
    this.port = options.port ?? 8080;
    this.serverNames = [...(options.serverNames ?? ['localhost'])];
    this.defaultServer = options.defaultServer ?? false;
    this.root = options.root ?? NGINX_HTML_DIR;
    this.index = [...(options.index ?? ['index.html', 'index.htm'])];
    this.healthPath = options.healthPath ?? '/healthz';
    this.errorPage = options.errorPage ?? '/50x.html';
  }

  /** Adds a `location` block to this server. */
  public addLocation(path: string, options: NginxLocationOptions = {}): NginxServer {
    const token = MODIFIER_TOKEN[options.modifier ?? LocationModifier.PREFIX];
    const args = token === undefined ? [path] : [token, path];
    this.locations.push(Directive.withBlock('location', args, options.directives ?? []));
    return this;
  }

  /** Escape hatch: adds any directive (simple or block) at the end of the `server` block. */
  public addDirective(directive: Directive): NginxServer {
    this.extra.push(directive);
    return this;
  }

  /** The `server` block this server renders to. */
  public toDirective(): Directive {
    const listen = [String(this.port), ...(this.defaultServer ? ['default_server'] : [])];
    return Directive.withBlock('server', [], [
      Directive.of('listen', ...listen),
      Directive.of('server_name', ...this.serverNames),
      Directive.of('root', this.root),
      Directive.of('index', ...this.index),
      Directive.withBlock('location', ['=', this.healthPath], [
        Directive.of('access_log', 'off'),
        Directive.of('default_type', 'text/plain'),
        Directive.of('return', '200', 'ok\n'),
      ]),
      ...this.locations,
      ...this.extra,
      Directive.of('error_page', '500', '502', '503', '504', this.errorPage),
      Directive.withBlock('location', ['=', this.errorPage], [Directive.of('internal')]),
    ]);
  }

  /** Problems with this server's options, each with how to fix it. */
  public validate(): string[] {
    const where = `server '${this.name}'`;
    const problems: string[] = [];
    if (!SERVER_FILE_NAME.test(this.name)) {
      problems.push(`${where}: name must be lower-case letters, digits, '-' or '_' (it names conf.d/${this.name}.conf); for example 'default' or 'www'.`);
    }
    problems.push(...checkPort(this.port, where));
    if (this.serverNames.length === 0) {
      problems.push(`${where}: serverNames is empty; give at least one name, or '_' to match any host.`);
    }
    for (const n of this.serverNames) {
      if (n.length === 0 || BAD_SERVER_NAME.test(n)) {
        problems.push(`${where}: server name ${JSON.stringify(n)} is empty or contains whitespace, a quote, a backslash, '#', ';', '{' or '}'; use a host name such as 'example.com', '*.example.com' or '_'.`);
      } else if (n.startsWith('~')) {
        problems.push(`${where}: server name ${JSON.stringify(n)} is a regular expression, which serverNames does not check; add it with addDirective(Directive.of('server_name', ...)) or list the host names.`);
      } else if (!SERVER_NAME.test(n)) {
        problems.push(`${where}: server name ${JSON.stringify(n)} is not a host name nginx accepts (letters, digits, '-', '_' and dots; a wildcard '*' only as the whole first or last label); use a name such as 'example.com', '*.example.com', 'www.example.*' or '_'.`);
      }
    }
    problems.push(...checkAbsolutePath(this.root, `${where}: root`, NGINX_HTML_DIR));
    problems.push(...checkAbsolutePath(this.healthPath, `${where}: healthPath`, "'/healthz'"));
    problems.push(...checkAbsolutePath(this.errorPage, `${where}: errorPage`, "'/50x.html'"));
    const seen = new Set<string>();
    for (const d of this.toDirective().block ?? []) {
      if (d.name !== 'location') continue;
      const key = d.args.join(' ');
      if (seen.has(key)) {
        problems.push(`${where}: two 'location ${key}' blocks (nginx refuses duplicate locations); healthPath, errorPage and addLocation must all use different paths.`);
      }
      seen.add(key);
    }
    if (this.index.length === 0) {
      problems.push(`${where}: index is empty; give at least one file name such as 'index.html'.`);
    }
    for (const f of this.index) {
      if (f.length === 0 || /[\s;{}"'\\/]/.test(f)) {
        problems.push(`${where}: index file ${JSON.stringify(f)} must be a plain file name such as 'index.html'.`);
      }
    }
    return problems;
  }
}

/** Problems with a listen port for a non-root nginx. */
export function checkPort(port: number, where: string): string[] {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    return [`${where}: port ${port} is not a TCP port; use a whole number from 1024 to 65535, such as 8080.`];
  }
  if (port < 1024) {
    return [`${where}: port ${port} is below 1024, which a non-root nginx cannot bind (bind() fails with EACCES). Listen on 8080 (or another port >= 1024) and let the Service expose port ${port}.`];
  }
  return [];
}
