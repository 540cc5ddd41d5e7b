import * as fs from 'fs';
import { NginxImage } from '../../src/image/nginx-image';
import { NginxConfig } from '../../src/nginx/config';
import { NginxConfigProps } from '../../src/nginx/config-props';
import { Directive } from '../../src/nginx/directive';
import { NginxModule, NginxModules } from '../../src/nginx/modules';
import { HOST_NGINX, nginxTest, uncheckedFiles } from '../helpers/nginx-t';

const PLACEMENT_CHECKS = ['unknown-directive', 'directive-context', 'block-mismatch', 'directive-arguments', 'unknown-variable'];

/** A good value for each declared directive, so that only its place and its number of arguments are tested. */
const SAMPLE_ARGS: { [name: string]: string[] } = {
  brotli: ['on'],
  brotli_types: ['text/css'],
  brotli_comp_level: ['5'],
  brotli_window: ['512k'],
  brotli_min_length: ['20'],
  brotli_buffers: ['16', '8k'],
  brotli_static: ['on'],
  more_set_headers: ['X-A: b'],
  more_clear_headers: ['X-A'],
  more_set_input_headers: ['X-A: b'],
  more_clear_input_headers: ['X-A'],
  echo: ['hello'],
  echo_duplicate: ['2', 'a'],
  echo_flush: [],
  echo_sleep: ['1'],
  echo_blocking_sleep: ['1'],
  echo_reset_timer: [],
  echo_read_request_body: [],
  echo_location_async: ['/sub'],
  echo_location: ['/sub'],
  echo_subrequest_async: ['GET', '/sub'],
  echo_subrequest: ['GET', '/sub'],
  echo_foreach_split: [',', 'a,b'],
  echo_end: [],
  echo_request_body: [],
  echo_exec: ['/sub'],
  echo_status: ['201'],
  echo_before_body: ['x'],
  echo_after_body: ['x'],
};

const CONTEXTS = ['main', 'http', 'server', 'location', 'if in location'] as const;
type Context = typeof CONTEXTS[number];

/** A configuration loading `modules` with `d` placed in `context`. */
function configWith(modules: NginxModule[], context: Context, d: Directive, props: NginxConfigProps = {}): NginxConfig {
  const config = new NginxConfig({ ...props, dynamicModules: modules });
  const server = config.servers[0];
  if (context === 'main') config.addMainDirective(d);
  if (context === 'http') config.addHttpDirective(d);
  if (context === 'server') server.addDirective(d);
  if (context === 'location') server.addLocation('/m/', { directives: [d] });
  if (context === 'if in location') server.addLocation('/m/', { directives: [Directive.withBlock('if', ['($arg_m)'], [d])] });
  return config;
}

function placementFindings(config: NginxConfig): string[] {
  return config.findings().filter(f => PLACEMENT_CHECKS.includes(f.check)).map(f => `${f.check}: ${f.message}`);
}

const MODULES: Array<[string, NginxModule]> = [
  ['brotliFilter', NginxModules.brotliFilter()],
  ['brotliStatic', NginxModules.brotliStatic()],
  ['headersMore', NginxModules.headersMore()],
  ['echo', NginxModules.echo()],
];

const haveNginx = fs.existsSync(HOST_NGINX);
const haveModules = MODULES.every(([, m]) => fs.existsSync(m.path));
if ((!haveNginx || !haveModules) && process.env.CI === 'true') {
  throw new Error('nginx-light or the module packages are missing: .ci/run must install libnginx-mod-http-brotli-filter, libnginx-mod-http-brotli-static, libnginx-mod-http-headers-more-filter and libnginx-mod-http-echo.');
}
const describeNginx = haveNginx && haveModules ? describe : describe.skip;

describeNginx('NginxModules declarations agree with the modules Debian ships, as nginx -t sees them', () => {
  const cases = MODULES.flatMap(([label, m]) => (m.directives ?? []).flatMap(d => CONTEXTS.map(c => [label, d.name, c, m] as const)));

  test.each(cases)('%s: %s in %s', (_label, name, context, module) => {
    const config = configWith([module], context, Directive.of(name, ...SAMPLE_ARGS[name]));
    const ours = placementFindings(config);
    const nginx = nginxTest(uncheckedFiles(config));
    // The checks refuse exactly what nginx refuses.
    expect({ refusedBySynth: ours.length > 0, refusedByNginx: !nginx.ok }).toEqual({ refusedBySynth: !nginx.ok, refusedByNginx: !nginx.ok });
  });

  const arities = MODULES.flatMap(([label, m]) => (m.directives ?? []).flatMap(d => {
    const min = d.minArgs ?? 1;
    const max = d.maxArgs ?? min;
    const sample = SAMPLE_ARGS[d.name];
    const fewer = [min - 1 >= 0 ? sample.slice(0, min - 1) : undefined];
    const more = max >= 0 ? [[...sample, ...Array(max + 1 - sample.length).fill(sample[sample.length - 1] ?? 'x')]] : [[...sample, ...sample, ...sample]];
    return [...fewer, ...more].filter((a): a is string[] => a !== undefined).map(args => [label, d.name, args, m] as const);
  }));

  test.each(arities)('%s: %s with arguments %j', (_label, name, args, module) => {
    // In the first context the directive may stand in, so that only the number of arguments decides.
    const config = configWith([module], module.directives!.find(d => d.name === name)!.contexts.includes('http') ? 'http' : 'location', Directive.of(name, ...args));
    const nginx = nginxTest(uncheckedFiles(config));
    expect(placementFindings(config).length > 0).toBe(!nginx.ok);
  });

  test('a whole configuration with every module passes the checks and nginx -t, and its variable is known', () => {
    const config = new NginxConfig({ dynamicModules: MODULES.map(([, m]) => m) });
    config.addHttpDirective(Directive.of('brotli', 'on'));
    config.addHttpDirective(Directive.of('brotli_types', 'text/css', 'application/javascript'));
    config.servers[0].addLocation('/assets/', {
      directives: [
        Directive.of('brotli_static', 'on'),
        Directive.of('more_clear_headers', 'X-Powered-By'),
        Directive.of('add_header', 'X-Brotli-Ratio', '$brotli_ratio'),
      ],
    });
    expect(config.validate()).toEqual([]);
    const r = nginxTest(config.files());
    expect(r.output).toBe('');
    expect(r.ok).toBe(true);
    expect(config.files()[0].content).toContain('load_module /usr/lib/nginx/modules/ngx_http_brotli_filter_module.so;');
  });

  test('any module can be declared: Debian\'s echo module, which nginx-light loads', () => {
    const echo: NginxModule = {
      path: '/usr/lib/nginx/modules/ngx_http_echo_module.so',
      directives: [{ name: 'echo', contexts: ['location', 'if in location'], minArgs: 0, maxArgs: -1 }],
      variables: ['echo_request_method'],
    };
    const config = new NginxConfig({ dynamicModules: [echo] });
    config.servers[0].addLocation('/echo', { directives: [Directive.of('echo', 'method', '$echo_request_method')] });
    expect(config.validate()).toEqual([]);
    expect(nginxTest(config.files()).ok).toBe(true);
  });
});

describe('dynamicModules and the checks', () => {
  test('without the declaration a module directive is unknown, and the message names dynamicModules', () => {
    const config = new NginxConfig({ modules: [NginxModules.brotliFilter().path] });
    config.addHttpDirective(Directive.of('brotli', 'on'));
    expect(placementFindings(config)).toEqual([expect.stringMatching(/^unknown-directive: 'brotli' is not an nginx directive .* nor of a module in dynamicModules; .*NginxModules\.brotliFilter\(\)/)]);
  });

  test('a module variable is known only with its module', () => {
    const use = (modules: NginxModule[]) => configWith(modules, 'location', Directive.of('add_header', 'X-R', '$brotli_ratio'));
    expect(placementFindings(use([NginxModules.brotliFilter()]))).toEqual([]);
    expect(placementFindings(use([]))).toEqual([expect.stringMatching(/^unknown-variable: add_header uses \$brotli_ratio, which is neither an nginx variable, nor a variable of a module in dynamicModules/)]);
  });

  test('a declared directive in the wrong place, or with the wrong arguments, is refused as nginx would', () => {
    const wrongPlace = configWith([NginxModules.brotliStatic()], 'main', Directive.of('brotli_static', 'on'));
    expect(placementFindings(wrongPlace)).toEqual([expect.stringMatching(/^directive-context: 'brotli_static' is not allowed in main .* allowed in: http .*; server .*; location/)]);
    const arity = configWith([NginxModules.brotliFilter()], 'http', Directive.of('brotli_buffers', '16'));
    expect(placementFindings(arity)).toEqual([expect.stringMatching(/^directive-arguments: 'brotli_buffers' takes exactly 2 arguments but has 1/)]);
    const block = configWith([NginxModules.brotliFilter()], 'http', Directive.withBlock('brotli', ['on'], []));
    expect(placementFindings(block)).toEqual([expect.stringMatching(/^block-mismatch: 'brotli' is a simple directive here/)]);
  });

  test('module paths are loaded after modules, the image copies them, and a path listed twice is refused', () => {
    const image = '/usr/lib/nginx/modules/ngx_http_image_filter_module.so';
    const config = new NginxConfig({ modules: [image], dynamicModules: [NginxModules.headersMore()] });
    expect(config.modules).toEqual([image, NginxModules.headersMore().path]);
    expect(config.mainTree().filter(d => d.name === 'load_module').map(d => d.args[0])).toEqual(config.modules);
    const img = new NginxImage({ config, repository: 'site', tag: '1.0.0' });
    expect(img.dockerfile()).toContain(NginxModules.headersMore().path);
    const twice = new NginxConfig({ modules: [NginxModules.headersMore().path], dynamicModules: [NginxModules.headersMore()] });
    expect(twice.validate()).toEqual([expect.stringMatching(/^modules lists "\/usr\/lib\/nginx\/modules\/ngx_http_headers_more.*twice \(modules and dynamicModules together/)]);
  });

  test('a declaration applies to its own configuration only', () => {
    const withModule = configWith([NginxModules.brotliFilter()], 'http', Directive.of('brotli', 'on'));
    expect(placementFindings(withModule)).toEqual([]);
    const without = configWith([], 'http', Directive.of('brotli', 'on'));
    expect(placementFindings(without).map(f => f.split(':')[0])).toEqual(['unknown-directive']);
    // derive() keeps them.
    expect(placementFindings(withModule.derive())).toEqual([]);
  });

  test('the paths default to Debian\'s module folder and can be moved', () => {
    expect(NginxModules.brotliFilter().path).toBe('/usr/lib/nginx/modules/ngx_http_brotli_filter_module.so');
    expect(NginxModules.brotliStatic('/opt/m/b.so').path).toBe('/opt/m/b.so');
  });
});

describe('dynamicModules from any caller: every wrong field named, nothing of it kept', () => {
  const problems = (dynamicModules: unknown) => new NginxConfig({ dynamicModules: dynamicModules as NginxModule[] }).validate();

  test.each<[string, unknown, RegExp]>([
    ['not a list', 'brotli', /^dynamicModules "brotli" is a string, not a list/],
    ['an entry that is not an object', [5], /^dynamicModules\[0\] 5 is a number/],
    ['no path', [{ directives: [] }], /^dynamicModules\[0\]\.path /],
    ['a relative path', [{ path: 'modules/x.so' }], /^dynamicModules\[0\]\.path "modules\/x\.so"/],
    ['a directive without a name', [{ path: '/m/x.so', directives: [{ contexts: ['http'] }] }], /^dynamicModules\[0\]\.directives\[0\]\.name /],
    ['an upper-case name', [{ path: '/m/x.so', directives: [{ name: 'Brotli', contexts: ['http'] }] }], /^dynamicModules\[0\]\.directives\[0\]\.name "Brotli"/],
    ['a name with a space', [{ path: '/m/x.so', directives: [{ name: 'a b', contexts: ['http'] }] }], /^dynamicModules\[0\]\.directives\[0\]\.name "a b"/],
    ['a name of nginx itself', [{ path: '/m/x.so', directives: [{ name: 'gzip', contexts: ['http'] }] }], /^dynamicModules\[0\]\.directives\[0\]\.name "gzip" is a directive of nginx itself; declare only the directives the module adds/],
    ['an unknown context', [{ path: '/m/x.so', directives: [{ name: 'x', contexts: ['stream'] }] }], /^dynamicModules\[0\]\.directives\[0\]\.contexts\[0\] "stream"/],
    ['no contexts', [{ path: '/m/x.so', directives: [{ name: 'x', contexts: [] }] }], /^dynamicModules\[0\]\.directives\[0\]\.contexts .* is empty/],
    ['maxArgs below minArgs', [{ path: '/m/x.so', directives: [{ name: 'x', contexts: ['http'], minArgs: 2, maxArgs: 1 }] }], /^dynamicModules\[0\]\.directives\[0\]\.maxArgs 1 is below minArgs 2/],
    ['a negative minArgs', [{ path: '/m/x.so', directives: [{ name: 'x', contexts: ['http'], minArgs: -1 }] }], /^dynamicModules\[0\]\.directives\[0\]\.minArgs -1/],
    ['block as a string', [{ path: '/m/x.so', directives: [{ name: 'x', contexts: ['http'], block: 'yes' }] }], /^dynamicModules\[0\]\.directives\[0\]\.block "yes"/],
    ['a variable with $', [{ path: '/m/x.so', variables: ['$x'] }], /^dynamicModules\[0\]\.variables\[0\] "\$x"/],
  ])('%s', (_what, value, message) => {
    const found = problems(value);
    expect(found).toEqual([expect.stringMatching(message)]);
  });

  test('a refused module is not loaded', () => {
    const config = new NginxConfig({ dynamicModules: [{ path: '/m/x.so', directives: [{ name: 'gzip', contexts: ['http'] }] }] });
    expect(config.modules).toEqual([]);
  });
});
