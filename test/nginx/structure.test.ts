import { NginxConfig } from '../../src/nginx/config';
import { Directive } from '../../src/nginx/directive';
import { LocationModifier } from '../../src/nginx/server-options';
import { checkStructure, locationFormProblem, servedFolderProblem } from '../../src/nginx/structure';

describe('location forms, as nginx reads them', () => {
  test.each([['/'], ['/a/b/'], ['@fallback'], ['=', '/x'], ['^~', '/static/'], ['~', '^/x$'], ['~*', '\\.png$']])('%j is accepted', (...args) => {
    expect(locationFormProblem(args)).toBeUndefined();
  });

  test.each([
    [['~/x'], /does not start with '\/' or name a location/],
    [['=/x'], /nginx would read its first characters as a modifier/],
    [['^~/x'], /write the modifier as its own argument/],
    [['x'], /does not start with '\/'/],
    [['@'], /does not start with '\/' or name a location/],
    [['/a', 'b'], /location modifier "\/a" is not one of = \^~ ~ ~\*.*invalid location modifier/],
    [['=', 'x'], /does not start with '\/', so no request URI can match it/],
    [['~', ''], /empty path or pattern/],
    [['=', '/a', '/b'], /has 3 arguments/],
  ])('%j is refused with the fix', (args, pattern) => {
    expect(locationFormProblem(args as string[])).toMatch(pattern);
  });
});

describe('served folders (root, alias)', () => {
  test.each(['/proc', '/proc/self', '/sys/kernel', '/dev', '/dev/shm/x', '/./proc', '/usr/../proc', '//proc/', '/proc/$host', '/sys$uri'])(
    '%j is refused: a kernel filesystem', (folder) => {
      expect(servedFolderProblem('root', folder)).toMatch(/a kernel filesystem.*\/proc\/self\/environ/);
    });

  test.each(['/etc', '/etc/nginx', '/etc/'])('%j is refused: it holds the configuration and the TLS keys', (folder) => {
    expect(servedFolderProblem('alias', folder)).toMatch(/serves \/etc\/nginx \(the configuration and the TLS keys\)/);
  });

  test.each(['/usr/share/nginx/html', '/srv/www', '/procedures', '/develop', '$document_root/x', 'relative', '/srv/$host', '/'])('%j is not refused here', (folder) => {
    expect(servedFolderProblem('root', folder)).toBeUndefined();
  });
});

describe('checkStructure', () => {
  test('reports every argument the renderer would refuse, with its place in the tree and the fix', () => {
    const tree = [Directive.withBlock('http', [], [
      Directive.withBlock('server', [], [
        Directive.withBlock('location', ['/a'], [Directive.of('add_header', 'X-A:\u0000Set-Cookie', 'x')]),
        Directive.of('return', '200', 'a'.repeat(5000)),
        Directive.of('set', '$x', 5 as unknown as string),
      ]),
    ])];
    const problems = checkStructure(tree, 'nginx.conf');
    expect(problems).toEqual([
      expect.stringMatching(/^nginx\.conf > http > server > location \/a > add_header: argument 1 "X-A:\\u0000Set-Cookie" contains the control character U\+0000 at position 4, which nginx cannot read from a configuration file.*Remove the control character/),
      expect.stringMatching(/^nginx\.conf > http > server > return: argument 2 "a{60}\.\.\." \(5000 characters\) is 5000 bytes once written, over nginx's limit of 4095 bytes/),
      expect.stringMatching(/^nginx\.conf > http > server > set: argument 2 5 is a number, not a string\. Pass strings only\./),
    ]);
  });

  test('children and arguments that are not lists or Directives are reported, never thrown on', () => {
    const bad = Directive.withBlock('location', '/x' as unknown as string[], [{ name: 'return' } as unknown as Directive, Directive.of('return', '204')]);
    expect(bad.block).toHaveLength(1);
    const problems = checkStructure([bad], 'f');
    expect(problems[0]).toMatch(/^f > location : its arguments are "\/x", not a list of strings.*child an object is not a Directive/);
  });

  test('root and alias are checked wherever they are, location forms in every block', () => {
    const tree = [Directive.withBlock('server', [], [
      Directive.of('root', '/proc'),
      Directive.withBlock('location', ['/x'], [Directive.of('alias', '/usr/../sys/')]),
      Directive.withBlock('location', ['~/y'], []),
    ])];
    const problems = checkStructure(tree, 'conf.d/a.conf');
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/^conf\.d\/a\.conf > server > root: root "\/proc" serves \/proc/);
    expect(problems[1]).toMatch(/^conf\.d\/a\.conf > server > location \/x > alias: alias "\/usr\/\.\.\/sys\/" serves \/sys/);
    expect(problems[2]).toMatch(/^conf\.d\/a\.conf > server: location "~\/y" does not start with '\/'/);
  });

  test.each(['Set-Cookie: evil=1; X-C', 'X-A:', 'a:b', 'X B', '', 'X-Bad(', 'X-Ü'])('header name %j is refused wherever nginx writes one', (name) => {
    for (const directive of ['add_header', 'add_trailer', 'proxy_set_header', 'grpc_set_header']) {
      const problems = checkStructure([Directive.withBlock('server', [], [Directive.of(directive, name, 'v')])], 'f');
      expect(problems).toEqual([expect.stringMatching(new RegExp(`^f > server > ${directive}: header name .* is not an HTTP header name \\(RFC 9110 token\\).*forges another header`))]);
    }
  });

  test('ordinary header names pass', () => {
    expect(checkStructure([Directive.of('add_header', 'X-Frame-Options', 'DENY'), Directive.of('proxy_set_header', 'X_Custom.1', '$host')], 'f')).toEqual([]);
  });

  test('entries of key-value blocks may have any key, but not a control character nginx cannot read', () => {
    const tree = [Directive.withBlock('map', ['$a', '$b'], [Directive.of('~^/x$', '1'), Directive.of('a\u001bb', '2'), Directive.of('a\rb', '3')])];
    expect(checkStructure(tree, 'f')).toEqual([expect.stringMatching(/^f > map: entry "a\\u001bb" contains the control character U\+001B/)]);
  });
});

describe('typed locations: the modifier comes only from the enum', () => {
  test.each<[string, RegExp]>([
    ['~/x', /pass modifier: LocationModifier\.REGEX with the pattern after '~'/],
    ['~*\\.png$', /LocationModifier\.REGEX_CASE_INSENSITIVE/],
    ['=/x', /LocationModifier\.EXACT with the path after '='/],
    ['^~/static/', /LocationModifier\.PREFERRED_PREFIX/],
    ['@fallback', /LocationModifier\.NAMED/],
    ['docs/', /so no request URI matches it; write the path from '\/'/],
  ])('addLocation(%j) without a modifier is refused, naming the modifier to use', (path, fix) => {
    const config = new NginxConfig();
    config.servers[0].addLocation(path, { directives: [Directive.of('return', '204')] });
    const problems = config.validate();
    expect(problems).toEqual([expect.stringMatching(new RegExp(`^server 'default': addLocation: path ${JSON.stringify(path).replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')}`))]);
    expect(problems[0]).toMatch(fix);
    // Nothing of a refused call is added.
    expect(config.serverDirectives()[0].block!.filter(d => d.name === 'location').some(d => d.args.includes(path))).toBe(false);
  });

  test('a named location, and paths under each modifier', () => {
    const config = new NginxConfig();
    config.servers[0]
      .addLocation('@fallback', { modifier: LocationModifier.NAMED, directives: [Directive.of('return', '404')] })
      .addLocation('/x', { modifier: LocationModifier.EXACT, directives: [Directive.of('return', '204')] })
      .addLocation('~/literal', { modifier: LocationModifier.REGEX, directives: [Directive.of('return', '204')] });
    expect(config.validate()).toEqual([]);
    const args = config.serverDirectives()[0].block!.filter(d => d.name === 'location').map(d => d.args);
    expect(args).toEqual(expect.arrayContaining([['@fallback'], ['=', '/x'], ['~', '~/literal']]));
    expect(config.files()[1].content).toContain('location @fallback {');
  });

  test.each([['fallback'], ['@a b'], ['@']])('NAMED needs @name: %j is refused', (path) => {
    const config = new NginxConfig();
    config.servers[0].addLocation(path, { modifier: LocationModifier.NAMED });
    expect(config.validate()).toEqual([expect.stringMatching(/addLocation: path .* is not '@' and a name/)]);
  });

  test('addProxy and addRedirect refuse prefixes that are not paths and targets that split', () => {
    const config = new NginxConfig({ upstreams: [{ name: 'api', servers: ['api:8080'] }] });
    config.servers[0]
      .addProxy('~/api', 'api')
      .addProxy('/api/', 'a pi')
      .addRedirect('/old', '/new\r\nSet-Cookie: a=1')
      .addRedirect('old', '/new');
    const problems = config.validate();
    expect(problems).toEqual([
      expect.stringMatching(/addProxy: path "~\/api" is not an absolute path/),
      expect.stringMatching(/addProxy: upstream "a pi" is not an upstream name/),
      expect.stringMatching(/addRedirect: to "\/new\\r\\nSet-Cookie: a=1" contains the control character U\+000D/),
      expect.stringMatching(/addRedirect: from "old" is not an absolute path/),
    ]);
  });
});

describe('argument grammar nginx enforces at start-up', () => {
  const http = (...children: Directive[]) => checkStructure([Directive.withBlock('http', [], children)], 'nginx.conf');

  test.each(['hostile_y', '$', '$a-b', '`$a1', '/a/'])('set %j is not a variable name', (name) => {
    expect(http(Directive.of('set', name, 'x'))).toEqual([expect.stringMatching(/is not a variable name \(nginx: "invalid variable name"\)/)]);
  });

  test.each(['$host', '$uri', '$request_uri', '$document_root'])('set %j redefines an embedded variable', (name) => {
    expect(http(Directive.of('set', name, 'x'))).toEqual([expect.stringMatching(/redefines an embedded variable \(nginx: "the duplicate variable"\)/)]);
  });

  test.each(['$args', '$limit_rate', '$backend', '$http_x_custom'])('set %j is fine (changeable or new)', (name) => {
    expect(http(Directive.of('set', name, 'x'))).toEqual([]);
  });

  test('log_format: names unique in their block, combined is nginx\'s own, escaping from the three nginx knows', () => {
    expect(http(Directive.of('log_format', 'a', 'x'), Directive.of('log_format', 'a', 'y'))).toEqual([expect.stringMatching(/log_format "a" is defined twice/)]);
    expect(http(Directive.of('log_format', 'combined', 'x'))).toEqual([expect.stringMatching(/nginx defines 'combined' itself/)]);
    expect(http(Directive.of('log_format', 'j', 'escape=x', '$uri'))).toEqual([expect.stringMatching(/"escape=x" is not an escaping nginx knows/)]);
    expect(http(Directive.of('log_format', 'j', 'escape=json', '$uri'))).toEqual([]);
  });

  test.each(['[', '(', ')(', '*', 'a{2,1}', '(?<x', 'a\\', 'a\\c', '\\k', '(?<=a+)b'])('regex location %j is refused before nginx fails on it', (pattern) => {
    const problems = checkStructure([Directive.withBlock('location', ['~', pattern], [])], 'f');
    expect(problems).toEqual([expect.stringMatching(/pcre2_compile\(\) failed/)]);
  });

  test.each(['\\.php$', '(?i)\\.png$', '^/(?<name>[a-z]+)$', '[[:alpha:]]+', '^/\\d+$'])('regex location %j is accepted', (pattern) => {
    expect(checkStructure([Directive.withBlock('location', ['~*', pattern], [])], 'f')).toEqual([]);
  });
});
