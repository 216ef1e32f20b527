// Runs first in every fresh sandboxed context, before the function's own source. It builds what
// App Services functions expect to find (context, console, BSON) from the `host` object, which
// offers only a few callbacks and JSON strings, never a Java object, and returns the helpers that
// Gatehouse uses to build arguments and to call the exported function.
(function install(host) {
  'use strict';
  const g = globalThis;
  // GraalJS shell builtins that App Services never had; `load` would be refused anyway (no IO).
  for (const name of ['load', 'print', 'printErr', 'Graal', 'quit', 'read', 'readbuffer', 'readline']) {
    delete g[name];
  }

  const define = (target, key, value) =>
    Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });

  const describe = (value) => {
    if (value instanceof Error) return value.stack ? String(value.stack).split('\n').slice(0, 3).join(' | ') : String(value);
    if (typeof value === 'string') return value;
    try {
      const json = JSON.stringify(value, (k, v) => (typeof v === 'bigint' ? v.toString() + 'n' : v));
      return json === undefined ? String(value) : json;
    } catch (e) {
      return String(value);
    }
  };

  class ObjectId {
    constructor(hex) {
      if (!/^[0-9a-f]{24}$/i.test(String(hex))) throw new TypeError('ObjectId needs 24 hex digits');
      Object.defineProperty(this, 'hex', { value: String(hex).toLowerCase() });
    }
    toHexString() { return this.hex; }
    toString() { return this.hex; }
    toJSON() { return this.hex; }
    equals(other) { return other != null && String(other.toString()).toLowerCase() === this.hex; }
    getTimestamp() { return new Date(parseInt(this.hex.substring(0, 8), 16) * 1000); }
  }
  class Decimal128 {
    constructor(text) { Object.defineProperty(this, 'text', { value: String(text) }); }
    toString() { return this.text; }
    toJSON() { return { $numberDecimal: this.text }; }
  }
  class Binary {
    constructor(base64, subType) {
      Object.defineProperty(this, 'base64', { value: String(base64) });
      Object.defineProperty(this, 'subType', { value: subType });
    }
    toString() { return this.base64; }
    toJSON() { return { $binary: { base64: this.base64, subType: this.subType } }; }
  }
  define(g, 'BSON', Object.freeze({ ObjectId, Decimal128, Binary }));

  const log = (level) => (...args) => { host.log(level, args.map(describe).join(' ')); };
  define(g, 'console', Object.freeze({
    log: log('info'), info: log('info'), debug: log('debug'), warn: log('warn'), error: log('error'),
  }));

  const values = JSON.parse(host.values);
  const environment = JSON.parse(host.environment);
  const copy = (value) => (value === undefined ? undefined : JSON.parse(JSON.stringify(value)));

  const response = (reply) => {
    const text = reply.body;
    return {
      status: reply.status,
      statusCode: reply.statusCode,
      ok: reply.statusCode >= 200 && reply.statusCode < 300,
      headers: reply.headers,
      body: { text: () => text },
      text: () => text,
      json: () => JSON.parse(text),
    };
  };
  const request = (method) => (options) => {
    try {
      const reply = JSON.parse(host.http(method, JSON.stringify(typeof options === 'string' ? { url: options } : options || {})));
      if (reply.error) throw new Error(reply.error);
      return Promise.resolve(response(reply));
    } catch (e) {
      return Promise.reject(e);
    }
  };
  const unavailable = (what) => () => {
    throw new Error(what + ' is not available in Gatehouse functions (only context.values, context.environment, context.http)');
  };
  define(g, 'context', Object.freeze({
    values: Object.freeze({ get: (name) => copy(values[name]) }),
    environment: Object.freeze({ tag: environment.tag, values: Object.freeze(copy(environment.values)) }),
    http: Object.freeze({
      get: request('GET'), post: request('POST'), put: request('PUT'),
      patch: request('PATCH'), delete: request('DELETE'), head: request('HEAD'),
    }),
    services: Object.freeze({ get: unavailable('context.services') }),
    functions: Object.freeze({ execute: unavailable('context.functions') }),
  }));
  define(g, 'exports', undefined);
  define(g, 'module', { exports: undefined });

  return Object.freeze({
    exported() {
      const fn = typeof g.exports === 'function' ? g.exports : g.module.exports;
      if (typeof fn !== 'function') throw new TypeError('the source must assign a function to exports');
      return fn;
    },
    array: () => [],
    object: () => ({}),
    push: (array, value) => { array.push(value); },
    set: (object, key, value) => { define(object, key, value); },
    date: (millis) => new Date(millis),
    objectId: (hex) => new ObjectId(hex),
    decimal: (text) => new Decimal128(text),
    binary: (base64, subType) => new Binary(base64, subType),
    regex: (pattern, flags) => new RegExp(pattern, flags),
    bigint: (text) => BigInt(text),
    undefined: () => undefined,
    parse: (json) => JSON.parse(json),
    // Calls the function in a microtask so that a synchronous throw and a rejected promise take the
    // same path; GraalJS drains the microtask queue before control returns to Java.
    invoke(fn, args, done) {
      Promise.resolve()
        .then(() => fn(...args))
        .then(
          (result) => done(true, result !== null && typeof result === 'object' && typeof result.status === 'string'
            ? result.status : null, describe(result)),
          (error) => done(false, null, describe(error)));
    },
  });
})
