// Preload for zero-cache (NODE_OPTIONS="--require /path/to/loopback-listen.cjs"): zero-cache
// 1.9 has no listen-address setting and binds `::` for its sync port and its change-streamer,
// which has no authentication. This rewrites every wildcard or missing listen host to
// SPEDY_LISTEN_HOST (default 127.0.0.1), in zero-cache and in every worker it forks (they
// inherit NODE_OPTIONS). Unix sockets and explicit addresses are left alone.
'use strict';
const net = require('node:net');

const target = process.env.SPEDY_LISTEN_HOST || '127.0.0.1';
const wildcard = new Set([undefined, null, '', '::', '0.0.0.0', '::0']);
const listen = net.Server.prototype.listen;

net.Server.prototype.listen = function listenOnLoopback(...args) {
  const [first] = args;
  if (first !== null && typeof first === 'object' && !Array.isArray(first) && !('_handle' in first) && !('fd' in first)) {
    if (first.path === undefined && wildcard.has(first.host)) args[0] = { ...first, host: target };
  } else if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    if (typeof args[1] === 'function' || args[1] === undefined || wildcard.has(args[1])) {
      if (typeof args[1] === 'function' || args[1] === undefined) args.splice(1, 0, target);
      else args[1] = target;
    }
  }
  return listen.apply(this, args);
};
