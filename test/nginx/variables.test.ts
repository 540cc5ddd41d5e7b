import { execFileSync } from 'child_process';
import * as path from 'path';
import { NginxConfig } from '../../src/nginx/config';
import { Directive } from '../../src/nginx/directive';
import { checkVariables, variableReferences } from '../../src/nginx/variables';
import { readSource } from '../helpers/source';

const tree = (...ds: Directive[]) => [Directive.withBlock('http', [], [Directive.withBlock('server', [], ds)])];
const ids = (ds: Directive[]) => checkVariables(tree(...ds)).map(f => f.check);

test('the committed variable list is what @nginx/reference-lib gives', () => {
  const generated = execFileSync('node', [path.join(__dirname, '../../scripts/gen-nginx-variables.mjs'), '--stdout'], { encoding: 'utf8' });
  expect(readSource(path.join(__dirname, '../../src/nginx/reference-variables.ts'))).toBe(generated);
});

test('variableReferences reads $name, ${name}, and flags a bare $', () => {
  expect(variableReferences('a $host b ${uri}x $1')).toEqual([{ name: 'host' }, { name: 'uri' }, { name: '1' }]);
  expect(variableReferences('cost: 5$')).toEqual([{ invalidAt: 7 }]);
  expect(variableReferences('${unclosed')).toEqual([{ invalidAt: 0 }]);
  expect(variableReferences('$-x')).toEqual([{ invalidAt: 0 }]);
});

test.each([
  ['embedded variables', [Directive.of('add_header', 'X-A', '$host$request_uri $remote_addr')], []],
  ['families: $http_*, $arg_*, $cookie_*, $sent_http_*', [Directive.of('return', '200', '$http_user_agent $arg_q $cookie_id $sent_http_content_type')], []],
  ['an unknown variable', [Directive.of('add_header', 'X-A', '$nosuchvar')], ['unknown-variable']],
  ['a family prefix alone is not a variable', [Directive.of('add_header', 'X-A', '$http_')], ['unknown-variable']],
  ['a bare $', [Directive.of('return', '200', 'price: 5$')], ['invalid-variable']],
  ['defined by set (anywhere)', [Directive.of('set', '$mine', 'x'), Directive.of('add_header', 'X-A', '$mine')], []],
  ['defined by map', [Directive.withBlock('map', ['$uri', '$mapped'], [Directive.of('default', '0'), Directive.of('~^/a$', '1')]), Directive.of('add_header', 'X-A', '$mapped')], []],
  ['map keys are regexes, not variables', [Directive.withBlock('map', ['$uri', '$m'], [Directive.of('~^/a$', '$uri')])], []],
  ['named capture of a location regex', [Directive.withBlock('location', ['~', '^/(?<section>[a-z]+)/$'], [Directive.of('return', '200', '$section')])], []],
  ['regex anchors in location are not variables', [Directive.withBlock('location', ['~', '\\.php$'], [])], []],
  ['if: the regex operand is literal, the tested variable is checked', [Directive.withBlock('if', ['$http_x', '~', 'a$'], [Directive.of('return', '403')]), Directive.withBlock('if', ['$nope', '=', 'x'], [Directive.of('return', '403')])], ['unknown-variable']],
  ['captures $1..$9 in script values', [Directive.of('rewrite', '^/(a)$', '/b/$1', 'last')], []],
  // Regexes nginx compiles as they are (the PHP-FPM, referer and proxy_redirect idioms): '$' is an anchor.
  ['fastcgi_split_path_info\'s regex', [Directive.withBlock('location', ['~', '\\.php$'], [Directive.of('fastcgi_split_path_info', '^(.+\\.php)(/.+)$')])], []],
  ['gzip_disable\'s regexes', [Directive.of('gzip_disable', 'msie6$', 'Opera$')], []],
  ['valid_referers\' regexes, and its server names', [Directive.of('valid_referers', 'none', 'blocked', '~\\.example\\.com$')], []],
  ['proxy_redirect\'s regex; its replacement is a value with variables', [Directive.of('proxy_redirect', '~^http://[^/]+(/.*)$', '$scheme://$host$1')], []],
  ['proxy_redirect\'s replacement is checked', [Directive.of('proxy_redirect', '~^http://[^/]+(/.*)$', '$nosuch$1')], ['unknown-variable']],
  ['proxy_cookie_path\'s regex', [Directive.of('proxy_cookie_path', '~^/app(/.*)$', '$1')], []],
] as Array<[string, Directive[], string[]]>)('%s', (_name, ds, expected) => {
  expect(ids(ds)).toEqual(expected);
});

test('captures are not variables in log_format', () => {
  expect(checkVariables([Directive.withBlock('http', [], [Directive.of('log_format', 'x', '$1 $status')])]).map(f => f.check)).toEqual(['unknown-variable']);
});

test('NginxConfig.validate reports variable errors with where and how', () => {
  const config = new NginxConfig();
  config.servers[0].addDirective(Directive.of('add_header', 'X-Typo', '$hots'));
  const problems = config.validate().join('\n');
  expect(problems).toContain('http > server (localhost) > add_header X-Typo $hots: add_header uses $hots');
  expect(problems).toContain('[unknown-variable]');
  expect(new NginxConfig().validate()).toEqual([]);
});
