import { App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { AppState } from '../../src/image/app-state';
import { NginxImage } from '../../src/image/nginx-image';
import { NginxConfig } from '../../src/nginx/config';
import { ChartReport } from '../../src/workload/chart-report';

const image = () => new NginxImage({ config: new NginxConfig(), repository: 'site', tag: '1.0.0' });

describe('AppState: per-app bookkeeping as a construct under the root, nothing stashed on App', () => {
  test('one state per app, found again by id; separate apps keep separate state', () => {
    const app = new App();
    const a = new Chart(app, 'a');
    const b = new Chart(app, 'b');
    expect(AppState.of(a)).toBe(AppState.of(b));
    expect(AppState.of(a).node.path).toBe('cdk8s-scratch-nginx');
    expect(AppState.of(new Chart(new App(), 'c'))).not.toBe(AppState.of(a));
    expect(Object.getOwnPropertySymbols(app).map(String).filter(x => x.includes('scratch-nginx'))).toEqual([]);
  });

  test('the first construct to use an image reports it; the others do not, and asking again does not change it', () => {
    const app = new App();
    const img = image();
    const first = new Construct(new Chart(app, 'a'), 'first');
    const second = new Construct(new Chart(app, 'b'), 'second');
    const state = AppState.of(app);
    expect(state.claimImageValidation(first, img)).toBe(true);
    expect(state.claimImageValidation(second, img)).toBe(false);
    expect(state.claimImageValidation(first, img)).toBe(true);
    expect(state.claimImageValidation(second, image())).toBe(true);
  });

  test('a build-context folder claimed twice names the first owner', () => {
    const app = new App();
    const a = new Construct(app, 'a');
    const b = new Construct(app, 'b');
    const state = AppState.of(app);
    expect(state.claimContextDir(a, '/out/images/site')).toBeUndefined();
    expect(state.claimContextDir(a, '/out/images/site')).toBeUndefined();
    expect(state.claimContextDir(b, '/out/images/site')).toBe('a');
    expect(state.claimContextDir(b, '/out/images/other')).toBeUndefined();
  });

  test('the reserved ids are refused with the construct to rename', () => {
    const app = new App();
    new Construct(app, 'cdk8s-scratch-nginx');
    expect(() => AppState.of(app)).toThrow("the construct id 'cdk8s-scratch-nginx' at the root of the app is reserved for cdk8s-scratch-nginx; rename the construct cdk8s-scratch-nginx.");
    const chart = new Chart(new App(), 'site');
    new Construct(chart, 'cdk8s-scratch-nginx-report');
    expect(() => ChartReport.of(chart)).toThrow("the construct id 'cdk8s-scratch-nginx-report' in a chart is reserved for cdk8s-scratch-nginx; rename the construct site/cdk8s-scratch-nginx-report.");
  });

  test('one report per chart, found again by id', () => {
    const chart = new Chart(new App(), 'site');
    expect(ChartReport.of(new Construct(chart, 'x'))).toBe(ChartReport.of(chart));
    expect(ChartReport.of(chart).node.path).toBe('site/cdk8s-scratch-nginx-report');
    expect(Object.getOwnPropertySymbols(chart).map(String).filter(x => x.includes('scratch-nginx'))).toEqual([]);
  });
});
