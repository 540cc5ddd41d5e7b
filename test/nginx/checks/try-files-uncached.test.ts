import { block, d, expectNone, expectOnly, http, location, server, SERVER } from './helpers';
import { checkContext } from '../../../src/nginx/checks/rule';
import { tryFilesUncached } from '../../../src/nginx/checks/try-files-uncached';
import { Severity } from '../../../src/nginx/findings';
import { parseNginx } from '../../../src/nginx/parse';

function found(text: string): string[] {
  const tree = parseNginx(text);
  return tryFilesUncached.run(tree, checkContext(tree)).map(f => `${f.severity} ${f.where}`);
}

describe('try-files-uncached', () => {
  test('try_files of request paths without open_file_cache', () => {
    const message = expectOnly(http(server(location('/', d('try_files', '$uri', '$uri/', '/index.html')))),
      'try-files-uncached', Severity.WARNING, `${SERVER} > location /`);
    expect(message).toContain("'try_files $uri $uri/ /index.html'");
    expect(message).toContain('open_file_cache max=');
    expect(found('location / { try_files $uri $uri.html @app; }')).toEqual(['WARNING location /']);
  });

  test('open_file_cache off, at any level, in force for the try_files', () => {
    expect(found('open_file_cache off;\nlocation /app/ { location /app/static/ { try_files $uri =404; } }'))
      .toEqual(['WARNING location /app/ > location /app/static/']);
    expect(found('http { open_file_cache max=2000; server { location /uploads/ { open_file_cache off; try_files $uri =404; } } }'))
      .toEqual(['WARNING http > server > location /uploads/']);
  });

  test('no finding with open_file_cache in force (http, server, location, or the top of a fragment)', () => {
    expectNone([block('http', [], [d('server_tokens', 'off'), d('open_file_cache', 'max=1000', 'inactive=20s'),
      server(location('/', d('try_files', '$uri', '$uri/', '/index.html')))])]);
    expect(found('server { open_file_cache max=500; location / { try_files $uri /index.php$is_args$args; } }')).toEqual([]);
    expect(found('open_file_cache max=1000 inactive=20s;\nlocation / { try_files $uri $uri/ =404; }')).toEqual([]);
    expect(found('http { open_file_cache off; server { location / { open_file_cache max=100; try_files $uri =404; } } }')).toEqual([]);
  });

  test('no finding when only fixed paths are tested (the jump to a named location)', () => {
    expect(found('location /admin { allow 10.0.0.1; deny all; try_files "" @admin; }')).toEqual([]);
    expect(found('location / { try_files /maintenance.html @app; }')).toEqual([]);
  });
});
