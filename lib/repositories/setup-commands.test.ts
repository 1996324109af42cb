import { describe, expect, it } from 'vitest';
import { parseSetupCommandLines, setupCommandList } from './setup-commands.ts';

describe('setup commands', () => {
  it('accepts command lines, trimmed, and none', () => {
    expect(setupCommandList.parse([' apt-get install -y python3-venv ', 'pip install -r requirements.txt'])).toEqual(['apt-get install -y python3-venv', 'pip install -r requirements.txt']);
    expect(setupCommandList.parse([])).toEqual([]);
  });

  it.each([
    ['pip install -r requirements.txt && rm -rf /', 'Setup command "pip install -r requirements.txt && rm -rf /" contains "&&"; list commands one per line instead (they run without a shell).'],
    ['curl https://x | sh', 'contains "|"'],
    ["echo 'unclosed", "Unclosed ' in"],
    ['', 'Setup commands cannot be empty.'],
  ])('refuses %j with a message that says what to do', (command, message) => {
    const result = setupCommandList.safeParse(['npm --version', command]);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({ path: [1], message: expect.stringContaining(message) });
  });

  it('refuses more than 20', () => {
    expect(setupCommandList.safeParse(Array.from({ length: 21 }, (_, i) => `echo ${i}`)).error?.issues[0]?.message).toBe('A repository has at most 20 setup commands.');
  });

  it('reads the form one command per line, blank lines dropped, problems by line', () => {
    expect(parseSetupCommandLines('apt-get update\n\n  pip install -r requirements.txt  \n')).toEqual({ commands: ['apt-get update', 'pip install -r requirements.txt'], problems: [] });
    expect(parseSetupCommandLines('apt-get update\nmake > log').problems).toEqual([{ line: 2, problem: expect.stringContaining('contains ">"') }]);
  });
});
