
/** One directive a dynamic module adds, as the synth-time checks need it. */
export interface NginxModuleDirective {
  /** The directive's name. */
  readonly name: string;
  /**
   * Contexts it may stand in: main, events, http, server, location, 'if in server', 'if in location',
   * limit_except, upstream.
   */
  readonly contexts: string[];
  /**
   * Whether it takes a `{ }` block.
   * @default false
   */
  readonly block?: boolean;
  /**
   * Fewest arguments.
   * @default 1
   */
  readonly minArgs?: number;
  /**
   * Most arguments.
   * @default - minArgs; give -1 for no limit
   */
  readonly maxArgs?: number;
}

/**
 * A dynamic nginx module: the file `load_module` loads, and the directives and variables it adds. The
 * synth-time checks know nginx's own modules; a module's directives are checked (context, block, number of
 * arguments) against what is declared here, and its variables are known. `NginxModules` has the
 * declarations of common modules.
 */
export interface NginxModule {
  /** Absolute path of the module file in the base image. The image copies it and its shared libraries. */
  readonly path: string;
  /**
   * The directives the module adds.
   * @default - none
   */
  readonly directives?: NginxModuleDirective[];
  /**
   * The variables the module adds, without `$`.
   * @default - none
   */
  readonly variables?: string[];
}

/** Where Debian and the official nginx images keep dynamic modules. */
export const MODULE_DIR = '/usr/lib/nginx/modules';

const FILTER_CONTEXTS = ['http', 'server', 'location'];
const FILTER_CONTEXTS_IF = [...FILTER_CONTEXTS, 'if in location'];

/**
 * Declarations of common dynamic modules, checked against the modules Debian 12 ships with `nginx -t`
 * (test/nginx/modules.test.ts). Each takes the module file's path, for a base image that keeps it elsewhere.
 */
export class NginxModules {
  /**
   * ngx_brotli's filter module (Debian: libnginx-mod-http-brotli-filter): `brotli`, `brotli_types`,
   * `brotli_comp_level`, `brotli_window`, `brotli_min_length`, `brotli_buffers`, and `$brotli_ratio`.
   * @param path the module file. Default: /usr/lib/nginx/modules/ngx_http_brotli_filter_module.so
   */
  public static brotliFilter(path: string = `${MODULE_DIR}/ngx_http_brotli_filter_module.so`): NginxModule {
    return {
      path,
      directives: [
        { name: 'brotli', contexts: FILTER_CONTEXTS_IF },
        { name: 'brotli_types', contexts: FILTER_CONTEXTS, maxArgs: -1 },
        { name: 'brotli_comp_level', contexts: FILTER_CONTEXTS },
        { name: 'brotli_window', contexts: FILTER_CONTEXTS },
        { name: 'brotli_min_length', contexts: FILTER_CONTEXTS },
        { name: 'brotli_buffers', contexts: FILTER_CONTEXTS, minArgs: 2 },
      ],
      variables: ['brotli_ratio'],
    };
  }

  /**
   * ngx_brotli's static module (Debian: libnginx-mod-http-brotli-static): `brotli_static on|off|always`
   * serves precompressed `<file>.br`.
   * @param path the module file. Default: /usr/lib/nginx/modules/ngx_http_brotli_static_module.so
   */
  public static brotliStatic(path: string = `${MODULE_DIR}/ngx_http_brotli_static_module.so`): NginxModule {
    return { path, directives: [{ name: 'brotli_static', contexts: FILTER_CONTEXTS }] };
  }

  /**
   * headers-more (Debian: libnginx-mod-http-headers-more-filter): `more_set_headers`, `more_clear_headers`,
   * `more_set_input_headers`, `more_clear_input_headers`.
   * @param path the module file. Default: /usr/lib/nginx/modules/ngx_http_headers_more_filter_module.so
   */
  public static headersMore(path: string = `${MODULE_DIR}/ngx_http_headers_more_filter_module.so`): NginxModule {
    return {
      path,
      directives: ['more_set_headers', 'more_clear_headers', 'more_set_input_headers', 'more_clear_input_headers']
        .map(name => ({ name, contexts: FILTER_CONTEXTS_IF, maxArgs: -1 })),
    };
  }

  /**
   * echo (Debian: libnginx-mod-http-echo, which nginx-light loads): `echo` and its companions in locations,
   * and the `$echo_*` variables.
   * @param path the module file. Default: /usr/lib/nginx/modules/ngx_http_echo_module.so
   */
  public static echo(path: string = `${MODULE_DIR}/ngx_http_echo_module.so`): NginxModule {
    const location = ['location', 'if in location'];
    const any = { minArgs: 0, maxArgs: -1 };
    const none = { minArgs: 0, maxArgs: 0 };
    return {
      path,
      directives: [
        { name: 'echo', contexts: location, ...any },
        { name: 'echo_duplicate', contexts: location, minArgs: 2, maxArgs: -1 },
        { name: 'echo_flush', contexts: location, ...none },
        { name: 'echo_sleep', contexts: location },
        { name: 'echo_blocking_sleep', contexts: location },
        { name: 'echo_reset_timer', contexts: location, ...none },
        { name: 'echo_read_request_body', contexts: location, ...none },
        { name: 'echo_location_async', contexts: location, minArgs: 1, maxArgs: 2 },
        { name: 'echo_location', contexts: location, minArgs: 1, maxArgs: 2 },
        { name: 'echo_subrequest_async', contexts: location, minArgs: 2, maxArgs: -1 },
        { name: 'echo_subrequest', contexts: location, minArgs: 2, maxArgs: -1 },
        { name: 'echo_foreach_split', contexts: location, minArgs: 2, maxArgs: -1 },
        { name: 'echo_end', contexts: location, ...none },
        { name: 'echo_request_body', contexts: location, ...none },
        { name: 'echo_exec', contexts: location, minArgs: 1, maxArgs: 2 },
        { name: 'echo_status', contexts: location },
        { name: 'echo_before_body', contexts: location, ...any },
        { name: 'echo_after_body', contexts: location, ...any },
      ],
      variables: [
        'echo_timer_elapsed', 'echo_request_body', 'echo_request_method', 'echo_client_request_method', 'echo_client_request_headers',
        'echo_cacheable_request_uri', 'echo_request_uri', 'echo_incr', 'echo_response_status', 'echo_it',
      ],
    };
  }
}

/** The declarations of `NginxModules`, each from a module file's path. */
const KNOWN_MODULES: ReadonlyArray<(path?: string) => NginxModule> = [
  p => NginxModules.brotliFilter(p), p => NginxModules.brotliStatic(p), p => NginxModules.headersMore(p), p => NginxModules.echo(p),
];

const fileName = (path: string) => path.split('/').pop();

/**
 * The declaration of a module `NginxModules` knows, found by its file name (wherever the base keeps it), for
 * the importer: a `load_module` of a known module brings its directives along. Internal.
 */
export function knownModule(path: string): NginxModule | undefined {
  return KNOWN_MODULES.find(declare => fileName(declare().path) === fileName(path))?.(path);
}
