import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../lib/config.ts';
import { fromRoot } from './paths.ts';
import { launcherSettings, settingsHelp } from './settings.ts';

const documented = new Set(launcherSettings.map((s) => s.name));

describe('documented settings', () => {
  it('cover every variable the app’s config reads', () => {
    const missing = Object.keys(configSchema.shape).filter((name) => !documented.has(name));
    expect(missing).toEqual([]);
  });

  it('are all in .env.example, each with an explanation', () => {
    const example = fs.readFileSync(fromRoot('.env.example'), 'utf8');
    for (const name of documented) expect(example).toMatch(new RegExp(`^# ${name}: .+\\n#? ?${name}=`, 'm'));
  });

  it('are all in the README’s configuration table', () => {
    const readme = fs.readFileSync(fromRoot('README.md'), 'utf8');
    for (const name of documented) expect(readme).toContain(`| \`${name}\` |`);
  });

  it('are listed by npm start -- --help', () => {
    const help = settingsHelp();
    for (const name of documented) expect(help).toContain(name);
  });
});
