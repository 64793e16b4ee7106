// RFC 6902 JSON Patch, applied without mutating its input: how AG-UI's STATE_DELTA changes the state a
// STATE_SNAPSHOT set, before the result is written as one data part.
import { DurableSessionError } from '../core/errors.js';

export interface JsonPatchOperation {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  path: string;
  value?: unknown;
  from?: string;
}

const bad = (msg: string) => new DurableSessionError('malformed_event', `JSON Patch: ${msg}`);

function tokens(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw bad(`path ${JSON.stringify(path)} must start with "/"`);
  return path.slice(1).split('/').map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

const clone = <T>(v: T): T => (v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T));

function get(doc: unknown, path: string): unknown {
  let at = doc;
  for (const t of tokens(path)) {
    if (at === null || typeof at !== 'object' || !(t in (at as object))) throw bad(`nothing at ${JSON.stringify(path)}`);
    at = (at as Record<string, unknown>)[t];
  }
  return at;
}

/** Returns a new document with `ops` applied; throws `malformed_event` on a path that does not resolve or a failed test. */
export function applyJsonPatch(doc: unknown, ops: readonly JsonPatchOperation[]): unknown {
  let root = clone(doc);
  const edit = (path: string, change: (parent: Record<string, unknown> | unknown[], key: string) => void) => {
    const ts = tokens(path);
    const key = ts.pop()!;
    const parent = ts.length === 0 ? root : get(root, `/${ts.map((t) => t.replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`);
    if (parent === null || typeof parent !== 'object') throw bad(`the parent of ${JSON.stringify(path)} is not an object or array`);
    change(parent as Record<string, unknown> | unknown[], key);
  };
  const put = (path: string, value: unknown, replace: boolean) => {
    if (path === '') {
      root = value;
      return;
    }
    edit(path, (parent, key) => {
      if (Array.isArray(parent)) {
        const i = key === '-' ? parent.length : Number(key);
        if (!Number.isInteger(i) || i < 0 || i > parent.length - (replace ? 1 : 0)) throw bad(`index ${key} is out of range at ${JSON.stringify(path)}`);
        parent.splice(i, replace ? 1 : 0, value);
      } else {
        if (replace && !(key in parent)) throw bad(`nothing to replace at ${JSON.stringify(path)}`);
        parent[key] = value;
      }
    });
  };
  const remove = (path: string) =>
    edit(path, (parent, key) => {
      if (Array.isArray(parent)) {
        const i = Number(key);
        if (!Number.isInteger(i) || i < 0 || i >= parent.length) throw bad(`index ${key} is out of range at ${JSON.stringify(path)}`);
        parent.splice(i, 1);
      } else {
        if (!(key in parent)) throw bad(`nothing to remove at ${JSON.stringify(path)}`);
        delete parent[key];
      }
    });
  for (const op of ops) {
    switch (op.op) {
      case 'add':
        put(op.path, clone(op.value), false);
        break;
      case 'replace':
        put(op.path, clone(op.value), true);
        break;
      case 'remove':
        remove(op.path);
        break;
      case 'copy':
        put(op.path, clone(get(root, op.from ?? '')), false);
        break;
      case 'move': {
        const v = get(root, op.from ?? '');
        remove(op.from ?? '');
        put(op.path, v, false);
        break;
      }
      case 'test':
        if (JSON.stringify(get(root, op.path)) !== JSON.stringify(op.value)) throw bad(`test failed at ${JSON.stringify(op.path)}`);
        break;
      default:
        throw bad(`unknown op ${JSON.stringify((op as { op: unknown }).op)}`);
    }
  }
  return root;
}
