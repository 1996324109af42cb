import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { legacyRebuildSupervisorCommand, rebuildSupervisorCommand, supervisorService } from './bundle-commands.ts';

const setup = fs.readFileSync(new URL('../../supervisor/bundle/setup.sh', import.meta.url), 'utf8');

describe("the commands the migration banner names", () => {
  it("name the compose service setup.sh writes, which is built from the bundle and so is rebuilt, not pulled", () => {
    expect(setup).toContain(`echo "  ${supervisorService}:"`);
    expect(setup).toContain('echo "    build:"');
    for (const command of [rebuildSupervisorCommand, legacyRebuildSupervisorCommand]) {
      expect(command).not.toContain('pull');
      expect(command).toMatch(new RegExp(`build ${supervisorService} && docker[ -]compose up -d ${supervisorService}$`));
    }
  });
});
