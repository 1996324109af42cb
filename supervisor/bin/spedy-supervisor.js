#!/usr/bin/env node
// The `spedy-supervisor` command. The supervisor ships as TypeScript (like @spedy/protocol);
// tsx's loader runs it, so there is no build step between the checkout and a runner host.
import { register } from 'tsx/esm/api';

register();
await import('../cli.ts');
