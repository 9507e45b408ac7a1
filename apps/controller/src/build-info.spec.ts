import { join } from 'node:path';
import { buildInfo, gitInfo } from './build-info';

describe('what GET /version says of the build', () => {
  it('the commit is the checkout’s (git rev-parse HEAD) and the tree state clean or dirty', () => {
    const info = gitInfo(join(__dirname, '../../..'));
    expect(info.gitCommit).toMatch(/^[0-9a-f]{40}$/);
    expect(['clean', 'dirty']).toContain(info.gitTreeState);
  });

  it('outside a checkout, nothing is claimed', () => expect(gitInfo('/')).toEqual({}));

  it('run from the sources, the build date is when this process compiled them (its start), not the epoch', () => {
    const date = Date.parse(buildInfo().buildDate ?? '');
    expect(date).toBeGreaterThan(Date.now() - process.uptime() * 1000 - 2000);
    expect(date).toBeLessThanOrEqual(Date.now());
  });
});
