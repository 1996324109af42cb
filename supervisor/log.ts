// The supervisor's logger as its modules see it: pino in production, a silent or recording
// stand-in in tests. A job's lines go through its secret set (runner/job-secrets.ts).

export type Log = {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
  child?(bindings: object): Log;
};
