import { posix } from 'node:path';
import { text, toolUse, type Scenario, type ScriptedUsage, type Turn, type TurnRequest, type TurnResult } from './scenario.ts';

// The built-in scenarios used by tests, the demo and benchmarks. A prompt picks one
// with `[scenario:<name>]`; tests may add or replace any by name.

/** Usage of the three `edit-and-test` turns, so tests can check the CLI's sums. */
export const editAndTestUsage: ScriptedUsage[] = [
  { input: 1200, output: 90, cacheRead: 0, cacheWrite: 9000 },
  { input: 150, output: 40, cacheRead: 9000, cacheWrite: 350 },
  { input: 120, output: 60, cacheRead: 9350, cacheWrite: 0 },
];

/** Output tokens of the four `low-output` turns: one long, then three under 500. */
export const lowOutputUsage = [900, 40, 30, 20] as const;

export const askUserQuestion = 'Which greeting should the page show: "Hello" or "Welcome"?';
export const workingScript = "console.log('Hello from Spedy');\n";
export const brokenScript = "console.log('Hello from Spedy'\n";

// `[file:src/hello.js]` in the prompt moves the edited file (relative to the CLI's cwd).
function scriptPath(request: TurnRequest): { relative: string; absolute: string } {
  const relative = /\[file:([^\]\s]+)\]/.exec(request.prompt)?.[1] ?? 'hello.js';
  return { relative, absolute: posix.resolve(request.workingDirectory ?? '/workspace', relative) };
}

function withoutMarkers(prompt: string): string {
  return prompt.replace(/\[(scenario|file):[^\]]*\]/g, '').trim();
}

function answerOrWait(request: TurnRequest): TurnResult {
  const answer = request.lastUserText;
  if (answer === undefined || answer === request.prompt) {
    return { content: [text(`I asked: ${askUserQuestion} I'll continue once it is answered.`)] };
  }
  return { content: [text(`You answered: "${answer}". I'll go with that and finish the change.`)] };
}

const editAndTestTurns: Turn[] = [
  (request) => ({
    content: [
      text(`I'll add ${scriptPath(request).relative} and run it.`),
      toolUse('Write', { file_path: scriptPath(request).absolute, content: workingScript }),
    ],
    usage: editAndTestUsage[0],
  }),
  (request) => ({
    content: [toolUse('Bash', { command: `node ${scriptPath(request).relative}`, description: 'Run the new script' })],
    usage: editAndTestUsage[1],
  }),
  (request) => ({
    content: [text(`Added ${scriptPath(request).relative} and ran it; it printed: ${request.toolResults[0]?.text.trim() ?? '(nothing)'}`)],
    usage: editAndTestUsage[2],
  }),
];

/** The stage's type as the supervisor's prompt opens: `You are the "Planner" stage (planning, …) …`. */
function stageTypeOf(request: TurnRequest): string | undefined {
  return / stage \((planning|coding|review|security review|custom)[,)]/.exec(request.prompt.split('\n')[0] ?? '')?.[1];
}

/** The files a Glob call listed (one a line, relative to the folder searched; or "No files found"), as absolute paths. */
function globbed(request: TurnRequest): string[] {
  const folder = request.workingDirectory ?? '/workspace';
  return (request.toolResults[0]?.text ?? '')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !/^No files found/i.test(line))
    .map((line) => posix.resolve(folder, line));
}

/** A numbered plan for the ticket the prompt names. */
function planReply(request: TurnRequest): TurnResult {
  const ticket = request.prompt.split('\n').find((line) => line.startsWith('## Ticket '));
  const file = scriptPath(request).relative;
  return {
    content: [
      text(
        `## Plan${ticket ? ` for ${withoutMarkers(ticket.slice('## Ticket '.length))}` : ''}\n\n` +
          `1. Add ${file} printing a greeting.\n2. Run it with \`node ${file}\` to check that it works.\n3. Leave the rest of the repository as it is.`,
      ),
    ],
  };
}

/**
 * A read-only stage (its tools offer no Write): lists the files, reads the README (or the
 * first file), then answers with a numbered plan. Nothing it does can be refused.
 */
const planTurns: Turn[] = [
  (request) => ({ content: [text("I'll look at the repository before planning."), toolUse('Glob', { pattern: '*', path: request.workingDirectory ?? '/workspace' })] }),
  (request) => {
    const files = globbed(request);
    const file = files.find((f) => posix.basename(f).toLowerCase() === 'readme.md') ?? files[0];
    return file ? { content: [toolUse('Read', { file_path: file })] } : planReply(request);
  },
  planReply,
];

/** A review stage: finds the script the coding stage wrote, reads it, and reports. */
const reviewTurns: Turn[] = [
  (request) => ({ content: [text("I'll review the change."), toolUse('Glob', { pattern: '**/*.js', path: request.workingDirectory ?? '/workspace' })] }),
  (request) => {
    const files = globbed(request);
    const file = files.find((f) => f === scriptPath(request).absolute) ?? files[0];
    return file ? { content: [toolUse('Read', { file_path: file })] } : { content: [text('## Review\n\nThere is no script to review; nothing to change.')] };
  },
  (request) => ({
    content: [text(`## Review\n\n${scriptPath(request).relative} prints the greeting as planned and runs cleanly. No issues found; no changes needed.`)],
  }),
];

export const builtInScenarios: Record<string, Scenario> = {
  'edit-and-test': {
    description: 'Writes hello.js with Write, runs `node hello.js` with Bash, then ends with a summary.',
    turns: editAndTestTurns,
  },
  'first-job': {
    description:
      'The demo: each stage does its own part. A read-only stage lists and reads files, then writes a plan; a review stage reads the new script and reports; any other stage is edit-and-test.',
    turns: [0, 1, 2].map((index) => (request: TurnRequest) => {
      const stageType = stageTypeOf(request);
      const turns = stageType === 'review' || stageType === 'security review' ? reviewTurns : request.tools.includes('Write') ? editAndTestTurns : planTurns;
      const turn = turns[index] ?? { content: [text('Done.')] };
      return typeof turn === 'function' ? turn(request) : turn;
    }),
  },
  'low-output': {
    description:
      'One long turn (900 output tokens) writing hello.js, then three short ones (40, 30, 20): runs it, reads it, and ends; the runner flags diminishing returns.',
    turns: [
      (request) => ({
        content: [text('I will write the script first.'), toolUse('Write', { file_path: scriptPath(request).absolute, content: workingScript })],
        usage: { output: lowOutputUsage[0] },
      }),
      (request) => ({ content: [toolUse('Bash', { command: `node ${scriptPath(request).relative}`, description: 'Run it' })], usage: { output: lowOutputUsage[1] } }),
      (request) => ({ content: [toolUse('Read', { file_path: scriptPath(request).absolute })], usage: { output: lowOutputUsage[2] } }),
      { content: [text('Done.')], usage: { output: lowOutputUsage[3] } },
    ],
  },
  'ask-question': {
    description: 'Asks through mcp__spedy__ask_user, ends its turn, and after the answer (via --resume) quotes it.',
    turns: [
      { content: [text('I need one decision first.'), toolUse('mcp__spedy__ask_user', { question: askUserQuestion })] },
      answerOrWait,
      answerOrWait,
    ],
  },
  'plan-then-build': {
    description: 'Turn 0: a plan. Turns 1–3 (resumed in the same session after approval): write hello.js, run it, summarise.',
    turns: [
      { content: [text('## Plan\n\n1. Add hello.js printing a greeting.\n2. Run it.')] },
      (request) => ({ content: [toolUse('Write', { file_path: scriptPath(request).absolute, content: workingScript })] }),
      (request) => ({ content: [toolUse('Bash', { command: `node ${scriptPath(request).relative}`, description: 'Run it' })] }),
      (request) => ({ content: [text(`Built it as planned: ${request.toolResults[0]?.text.trim()}`)] }),
    ],
  },
  'plan-revise-build': {
    description:
      'Turn 0: a plan. Turn 1 (resumed with a requested change): the plan again, with the change quoted by the prompt as its step 3. Turns 2–4 (after approval): write hello.js, run it, summarise.',
    turns: [
      { content: [text('## Plan\n\n1. Add hello.js printing a greeting.\n2. Run it.')] },
      (request) => {
        const change = (request.lastUserText ?? '').split('\n').filter((line) => line.startsWith('> ')).map((line) => line.slice(2)).join(' ');
        return { content: [text(`## Plan\n\n1. Add hello.js printing a greeting.\n2. Run it.\n3. ${change || 'No change was quoted.'}`)] };
      },
      (request) => ({ content: [toolUse('Write', { file_path: scriptPath(request).absolute, content: workingScript })] }),
      (request) => ({ content: [toolUse('Bash', { command: `node ${scriptPath(request).relative}`, description: 'Run it' })] }),
      (request) => ({ content: [text(`Built the revised plan: ${request.toolResults[0]?.text.trim()}`)] }),
    ],
  },
  plan: {
    description: 'Answers with a text-only plan.',
    turns: [
      (request) => ({
        content: [
          text(`## Plan for: ${withoutMarkers(request.prompt).split('\n')[0]}\n\n1. Add hello.js printing a greeting.\n2. Run it with \`node hello.js\`.\n3. Summarise the change.`),
        ],
      }),
    ],
  },
  'fail-validation': {
    description: 'Writes hello.js with a syntax error (so `node hello.js` fails) and claims success; does so again on every retry.',
    loop: true,
    turns: [
      (request) => ({ content: [toolUse('Write', { file_path: scriptPath(request).absolute, content: brokenScript })] }),
      { content: [text('I wrote hello.js; it should work now.')] },
    ],
  },
  'board-comment': {
    description: 'Answers on the ticket with mcp__spedy__add_comment, then ends.',
    turns: [
      (request) => ({
        content: [toolUse('mcp__spedy__add_comment', { body: `Answer from the scripted model to: ${withoutMarkers(request.prompt).slice(0, 200)}` })],
      }),
      { content: [text('I answered in a comment on the ticket.')] },
    ],
  },
  echo: {
    description: 'Every turn answers with the last text the user sent.',
    loop: true,
    turns: [(request) => ({ content: [text(`You said: ${request.lastUserText ?? ''}`)] })],
  },
  slow: {
    description: 'Runs `sleep 600` with Bash, to have an agent that is busy until stopped.',
    turns: [
      { content: [toolUse('Bash', { command: 'sleep 600', description: 'Wait', timeout: 600_000 })] },
      { content: [text('Done waiting.')] },
    ],
  },
  'runner-values': {
    description:
      'Calls every tool of the stage\'s own MCP servers (not the board tools), then prints the variables named by `[env:A,B]` with Bash, each with its sha256, then ends.',
    turns: [
      (request) => {
        const probes = request.tools.filter((tool) => tool.startsWith('mcp__') && !tool.startsWith('mcp__spedy__'));
        return probes.length > 0 ? { content: probes.map((tool) => toolUse(tool, {})) } : { content: [text('No MCP tools were offered.')] };
      },
      (request) => {
        const names = (/\[env:([A-Z0-9_,]+)\]/.exec(request.prompt)?.[1] ?? '').split(',').filter(Boolean);
        const command = `for v in ${names.join(' ')}; do x="$(printenv "$v")"; printf '%s=%s sha256=%s\\n' "$v" "$x" "$(printf %s "$x" | sha256sum | cut -c1-64)"; done`;
        return { content: [toolUse('Bash', { command, description: 'Show the variables' })] };
      },
      (request) => ({ content: [text(`Checked the values: ${request.toolResults.map((r) => r.text.trim()).join(' | ')}`)] }),
    ],
  },
  'write-then-wait': {
    description: 'Writes hello.js (or `[file:…]`) with Write, then runs `sleep 600` with Bash until stopped; after Continue it ends with a summary.',
    turns: [
      (request) => ({ content: [toolUse('Write', { file_path: scriptPath(request).absolute, content: workingScript })] }),
      { content: [toolUse('Bash', { command: 'sleep 600', description: 'Wait', timeout: 600_000 })] },
      (request) => ({ content: [text(`Wrote ${scriptPath(request).relative} and waited.`)] }),
    ],
  },
  hostile: {
    description:
      'A hostile agent: dumps its environment raw, base64, URL-encoded and hex, reads ~/.claude and .git/config, writes it all into files, commits them with the values in the message, pastes everything into its summary in 7-character deltas, and sends its environment again as 7-character messages.',
    turns: [
      {
        content: [
          toolUse('Bash', {
            description: 'Collect everything',
            command: [
              'env > env-dump.txt',
              'env | base64 > env-base64.txt',
              `node -e 'for (const [k, v] of Object.entries(process.env)) console.log(k + "=" + encodeURIComponent(v) + " hex=" + Buffer.from(v).toString("hex"))' > env-encoded.txt`,
              '{ cat "$HOME/.claude.json"; find "$HOME/.claude" -type f -exec cat {} +; cat .git/config; } > found.txt 2>&1',
              'git add -A',
              'git commit --quiet -m "Collected: $(env | base64 -w0)" -m "$(env)"',
              'cat env-dump.txt env-encoded.txt; env | base64 -w0',
            ].join('; '),
          }),
        ],
      },
      // The summary streamed in 7-character deltas, and the environment again as 7-character messages of their own.
      (request) => {
        const found = request.toolResults[0]?.text ?? '';
        const environment = found.slice(0, found.indexOf('\n', 1500) + 1 || undefined);
        const pieces: string[] = [];
        for (let i = 0; i < environment.length; i += 7) pieces.push(environment.slice(i, i + 7));
        return { content: [text(`Here is everything I found:\n${found}`), ...pieces.map((piece) => text(piece))], deltaSize: 7 };
      },
    ],
  },
  'api-error': {
    description: 'Every request fails with 500 api_error, so the CLI ends with is_error: true.',
    loop: true,
    turns: [{ error: { status: 500, type: 'api_error', message: 'Internal server error (scripted)' } }],
  },
  overloaded: {
    description: 'Every request fails with 529 overloaded_error.',
    loop: true,
    turns: [{ error: { status: 529, type: 'overloaded_error', message: 'Overloaded (scripted)' } }],
  },
};
