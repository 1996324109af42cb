// The `spedy-supervisor` command (bin/spedy-supervisor.js loads this file): reads `.env` from
// the supervisor's folder (or --config), then runs the supervisor (main.ts).
import { parseArgs } from 'node:util';
import { ConfigError, withEnvFile } from './config.ts';
import { main, supervisorVersion } from './main.ts';
import { defaultEnvFile } from './paths.ts';

const usage = `Usage: spedy-supervisor [--config <file>]

Runs a Spedy runner: registers with the platform, claims jobs and runs Claude Code for them in
Docker containers. Settings come from the environment and from a .env file (the environment wins).

Options:
  --config <file>    the settings file (default: ${defaultEnvFile})
  --version          print the supervisor's version
  --help             print this help

Required settings: SPEDY_API_URL (the platform's API URL, e.g. https://spedy.example.com/api/v1)
and SPEDY_RUNNER_TOKEN (from Settings → Runners). The others are listed in the README.
`;

// (Not --env-file: Node 20 reads that flag anywhere on the command line, before this script runs.)
function parseCommandLine() {
  try {
    return parseArgs({ options: { config: { type: 'string' }, version: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, strict: true }).values;
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${usage}`);
    process.exit(2);
  }
}

const args = parseCommandLine();
if (args.help) {
  process.stdout.write(usage);
} else if (args.version) {
  process.stdout.write(`${supervisorVersion()}\n`);
} else {
  let env: Record<string, string | undefined>;
  try {
    env = withEnvFile(args.config ?? defaultEnvFile, process.env, { required: args.config !== undefined });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(2);
  }
  await main(env);
}
