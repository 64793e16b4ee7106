/**
 * The conversation as a tree of turns, and the one path through it a tab shows. Pure selectors over
 * the store, memoised on the records that change only when a message is added — never per token.
 */
import { DurableSessionError } from './errors.js';
import { entriesOf, entryOf, type BranchChoice, type SessionState, type ThreadEntry, type ThreadView } from './session-state.js';
import { versionsByAgent } from './response-selectors.js';

export interface ThreadTree {
  /** Turn ids in channel order (of each turn's first message). */
  turns: string[];
  /** turnId → the turn it follows: `''` for the root, or an id not in `turns` while that turn is not loaded. */
  parent: Map<string, string>;
  /** Branch point (a turn id, `''` for the root) → the turns that follow it, in channel order. */
  children: Map<string, string[]>;
}

/** The path a tab shows, root to leaf: its turns, and the keys of the entries to render. */
export interface ThreadPath {
  turnIds: string[];
  keys: string[];
  /** The shown version of each agent's answer on the path, by `<turnId> <agentId>`. */
  shown: Map<string, string>;
}

/** Where one message stands among its alternatives: sibling turns (an edited message) or an agent's versions. */
export interface BranchInfo {
  /** The branch point: a parent turn id (`''` for the root), or `<turnId> <agentId>` for versions. */
  point: string;
  /** The alternatives in channel order: turn ids for a user message, response keys for a response. */
  ids: string[];
  /** Position of this message among them. */
  index: number;
  count: number;
}

const trees = new WeakMap<SessionState['turns'], { order: string[]; tree: ThreadTree }>();
const paths = new WeakMap<ThreadTree, { view: ThreadView; path: ThreadPath }>();

const isLocal = (key: string) => key.startsWith('local:');

/** The key that places a turn in channel order: its user message, else its first response. */
function turnKey(s: SessionState, turnId: string): string {
  const t = s.turns[turnId];
  return t?.userKey ?? t?.responseKeys[0] ?? '';
}

/** The tree of every loaded turn. Rebuilt only when a message is added. */
export function threadTree(s: SessionState): ThreadTree {
  const hit = trees.get(s.turns);
  if (hit && hit.order === s.order) return hit.tree;
  const loaded = new Set<string>();
  for (const k of s.order) {
    const e = entryOf(s, k);
    if (e) loaded.add(e.turnId);
  }
  const turns = [...loaded];
  const parent = new Map<string, string>();
  const children = new Map<string, string[]>();
  let previous = '';
  for (const t of turns) {
    const explicit = s.turns[t]?.parent;
    // A message from an older client names no parent: it follows the turn before it.
    const p = explicit === undefined ? previous : (explicit ?? '');
    parent.set(t, p);
    const kids = children.get(p);
    if (kids) kids.push(t);
    else children.set(p, [t]);
    previous = t;
  }
  const tree = { turns, parent, children };
  trees.set(s.turns, { order: s.order, tree });
  return tree;
}

/** The newest serial among alternatives: what a pick made now has seen. */
export function newestSeen(ids: readonly string[], keyOf: (id: string) => string = (id) => id): string {
  let seen = '';
  for (const id of ids) {
    const k = keyOf(id);
    if (!isLocal(k) && k > seen) seen = k;
  }
  return seen;
}

/**
 * Which alternative a tab shows at one branch point: its pick, unless a newer alternative arrived
 * since (and the tab follows new branches), else the newest. `keyOf` gives an alternative's serial.
 */
function chosen(view: ThreadView, point: string, ids: readonly string[], keyOf?: (id: string) => string): number {
  const newest = ids.length - 1;
  const c: BranchChoice | undefined = view.branches[point];
  const i = c ? ids.indexOf(c.pick) : -1;
  return i < 0 || (view.followBranches && newestSeen(ids, keyOf) > c!.seen) ? newest : i;
}

/** The turns at one branch point (a turn id, `''` for the root), and the newest one's serial. */
export function siblingsAt(s: SessionState, point: string): { ids: readonly string[]; seen: string } {
  const ids = threadTree(s).children.get(point) ?? [];
  return { ids, seen: newestSeen(ids, (t) => turnKey(s, t)) };
}

const versionPoint = (turnId: string, agentId: string) => `${turnId} ${agentId}`;

/**
 * The path this tab shows, from the first loaded turn to a leaf, with the entry keys to render: each
 * turn's user message, then the chosen version of each agent's answer. Same object until a message
 * is added or the tab picks another branch.
 */
export function selectPath(s: SessionState): ThreadPath {
  const tree = threadTree(s);
  const hit = paths.get(tree);
  if (hit && hit.view === s.view) return hit.path;
  const keyOf = (t: string) => turnKey(s, t);
  // Where the path starts: the root, or — while older history is not loaded — a turn not loaded yet
  // that loaded turns follow. Several such points mean branches that split above the loaded page;
  // the one the newest turn follows is shown until older pages say more.
  let point: string | undefined;
  for (let i = tree.turns.length - 1; i >= 0 && point === undefined; i--) {
    const p = tree.parent.get(tree.turns[i])!;
    if (p === '' || !tree.parent.has(p)) point = p;
  }
  const turnIds: string[] = [];
  const keys: string[] = [];
  const shown = new Map<string, string>();
  while (point !== undefined) {
    const kids = tree.children.get(point)!;
    const t = kids[chosen(s.view, point, kids, keyOf)];
    turnIds.push(t);
    const userKey = s.turns[t]?.userKey;
    if (userKey) keys.push(userKey);
    for (const [agentId, versions] of versionsByAgent(s, t)) {
      const at = versionPoint(t, agentId);
      const key = versions[chosen(s.view, at, versions)];
      keys.push(key);
      shown.set(at, key);
    }
    point = tree.children.has(t) ? t : undefined;
  }
  const path = { turnIds, keys, shown };
  paths.set(tree, { view: s.view, path });
  return path;
}

/** The last turn of the shown path: what a new message follows. */
export function selectTip(s: SessionState): string | undefined {
  const { turnIds } = selectPath(s);
  return turnIds[turnIds.length - 1];
}

/** The turn a loaded turn follows (`null` for a first turn), as an edit of its message must name it. */
export function parentOfTurn(s: SessionState, turnId: string): string | null | undefined {
  const explicit = s.turns[turnId]?.parent;
  if (explicit !== undefined) return explicit;
  const p = threadTree(s).parent.get(turnId);
  return p === undefined ? undefined : p === '' ? null : p;
}

const infos = new WeakMap<ThreadTree, Map<string, BranchInfo | undefined>>();

/**
 * Where a message stands among its alternatives: a user message among the messages that follow the
 * same turn (its edits and the original), a response among its agent's answers to the turn.
 */
export function selectBranchInfo(s: SessionState, key: string): BranchInfo | undefined {
  // Every row asks on every store change (a token too); the answer changes only with the tree.
  const tree = threadTree(s);
  let cache = infos.get(tree);
  if (!cache) infos.set(tree, (cache = new Map()));
  if (!cache.has(key)) cache.set(key, branchInfo(s, tree, key));
  return cache.get(key);
}

function branchInfo(s: SessionState, tree: ThreadTree, key: string): BranchInfo | undefined {
  const e = entryOf(s, key);
  if (!e) return undefined;
  if (e.kind === 'user') {
    const point = tree.parent.get(e.turnId);
    return standing(point ?? '', (point !== undefined && tree.children.get(point)) || [e.turnId], e.turnId);
  }
  return standing(versionPoint(e.turnId, e.agentId), versionsByAgent(s, e.turnId).get(e.agentId) ?? [key], key);
}

const standing = (point: string, ids: string[], id: string): BranchInfo => ({ point, ids, index: ids.indexOf(id), count: ids.length });

/**
 * The choice a tab records to show alternative `index` of the message `key`, or the error saying why
 * it cannot (no such message, index out of range).
 */
export function branchChoice(s: SessionState, key: string, index: number): { point: string; choice: BranchChoice } | DurableSessionError {
  const info = selectBranchInfo(s, key);
  if (!info) return new DurableSessionError('unknown_target', `selectBranch(): this session has no message ${JSON.stringify(key)}. Pass a key from useThread().ids.`);
  if (!Number.isInteger(index) || index < 0 || index >= info.count) {
    return new DurableSessionError('invalid_argument', `selectBranch(): index ${index} is out of range; message ${key} has ${info.count} branch${info.count === 1 ? '' : 'es'} (0–${info.count - 1}).`);
  }
  const keyOf = info.point.includes(' ') ? undefined : (id: string) => turnKey(s, id);
  return { point: info.point, choice: { pick: info.ids[index], seen: newestSeen(info.ids, keyOf) } };
}

/** The version of an agent's answer this tab shows for the turn of `responseKey` (the path's pick). */
export function shownVersionKey(s: SessionState, responseKey: string): string | undefined {
  const e = entryOf(s, responseKey);
  if (e?.kind !== 'response') return undefined;
  // Rows call this on every store change: answers on the path are looked up, not recomputed.
  const point = versionPoint(e.turnId, e.agentId);
  const onPath = selectPath(s).shown.get(point);
  if (onPath !== undefined) return onPath;
  const versions = versionsByAgent(s, e.turnId).get(e.agentId);
  return versions && versions[chosen(s.view, point, versions)];
}

/** The entries on the shown path, oldest first: the thread as this tab shows it. */
export function selectPathEntries(s: SessionState): ThreadEntry[] {
  return entriesOf(s, selectPath(s).keys);
}
