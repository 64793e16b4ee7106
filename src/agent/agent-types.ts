/**
 * The agent runtime's public types: a turn as the handler sees it, the options of `createAgent`,
 * the record of a finished turn, and the policy deciding whose controls an agent obeys.
 */
import type { DurableSessionError } from '../core/errors.js';
import type { ControlTarget, ResponseStatus } from '../core/protocol.js';
import type { SessionTransport } from '../core/transport.js';
import type { ApprovalDecision, Attachment, ResponsePart } from '../core/parts.js';
import type { SteerQueue } from './steer-queue.js';
import type { ToolCall } from './tool-call.js';

/** One line of the conversation as an agent reads it. */
export interface TranscriptLine {
  role: 'user' | 'agent';
  text: string;
  agentId?: string;
}

/** What `turn.toolCall` takes. */
export interface ToolCallInput {
  toolName: string;
  /**
   * Default: a fresh id unique in the turn. On a takeover, the id of a call in `turn.resumed` hands
   * back that call, in the state the session holds, to be carried on.
   */
  toolCallId?: string;
  /** The call waits in `awaiting-approval` until a participant approves or denies it. */
  needsApproval?: boolean;
  /** The final input at once, when it is not streamed. */
  input?: unknown;
}

export interface SourceInput {
  url?: string;
  documentId?: string;
  title?: string;
  id?: string;
}

export interface FileInput {
  mediaType: string;
  url: string;
  name?: string;
  id?: string;
}

/** One user message being answered by this agent. */
export interface Turn {
  readonly turnId: string;
  readonly responseId: string;
  readonly agentId: string;
  readonly sessionId: string;
  /** The user message that started the turn. */
  readonly input: { text: string; clientId?: string; serial: string; attachments?: Attachment[]; metadata?: Record<string, unknown> };
  /**
   * The conversation before this turn, oldest first: the questions and finished answers on the path
   * from the root to it. A sibling branch (another version of an edited question) and answers
   * replaced by a regeneration are not in it.
   */
  readonly transcript: readonly TranscriptLine[];
  /** Fired by an explicit cancel for this turn, response, agent or everything. Never by a disconnect. */
  readonly signal: AbortSignal;
  /** Steers for this turn. Taking one acknowledges it `applied`. */
  readonly steers: SteerQueue;
  /** Streams text; batched into appends. Ignored once the turn ended. */
  write(text: string): void;
  /** Streams reasoning (shown collapsed); it closes, with how long it took, when text or another part follows. */
  reasoning(text: string): void;
  /**
   * Starts a tool call: stream its input with `inputDelta`, fix it with `input`, ask a person with
   * `approval()` when `needsApproval`, then give `output` or `error`.
   */
  toolCall(call: ToolCallInput): ToolCall;
  /** Waits for the decision on one of this turn's tool calls (what `toolCall(...).approval()` does). */
  approval(toolCallId: string): Promise<ApprovalDecision>;
  /** Cites a source. Returns the part id. */
  source(source: SourceInput): string;
  /** Returns a file by URL. Returns the part id. */
  file(file: FileInput): string;
  /** Writes app data as part `data-<name>`; writing the same `id` again replaces it in place. Returns the id. */
  data(name: string, value: unknown, id?: string): string;
  /** Ends the response. Default status `complete` (or `cancelled` once the signal fired). */
  end(status?: Exclude<ResponseStatus, 'streaming'>, error?: string): Promise<void>;
  /**
   * Set when this turn continues a response another instance began (a takeover): the text and parts
   * already in the session. Write only what comes after.
   */
  readonly resumed?: { text: string; parts: ResponsePart[] };
  /** Why this turn runs: a new message, a takeover, or a retry/regenerate of an earlier response. */
  readonly reason: 'message' | 'takeover' | 'retry' | 'regenerate';
  /** Everything written so far (what subscribers will hold once the turn ends). */
  readonly text: string;
  readonly ended: boolean;
}

/** What a handler resolves with is ignored, so `(turn) => streamFrom(turn, source)` is a handler. */
export type TurnHandler = (turn: Turn) => void | Promise<unknown>;

/** Who the agent knows in its session, for a {@link ControlPolicy}. */
export interface SessionParticipants {
  /** Client ids currently in the session's presence. */
  readonly present: ReadonlySet<string>;
  /** Client ids that published a user message in the session. */
  readonly speakers: ReadonlySet<string>;
}

/** Decides whether to obey a cancel, steer or approval decision; return false to ignore it. */
export type ControlPolicy = (control: { kind: 'cancel' | 'steer' | 'approval' | 'retry'; clientId?: string; target: ControlTarget }, session: SessionParticipants) => boolean;

export interface AgentOptions {
  transport: SessionTransport;
  sessionId: string;
  /** This agent's id, shown on its responses. */
  agentId: string;
  /** Display name for presence. Default: the agent id. */
  name?: string;
  handler: TurnHandler;
  /** Append batching: at most one append per `intervalMs`, or sooner once `maxChars` are buffered. Default `{ intervalMs: 40, maxChars: 512 }`. */
  batch?: { intervalMs?: number; maxChars?: number };
  /** Which user messages this agent answers. Default: all. */
  respondTo?: (input: { text: string; clientId?: string; turnId: string }) => boolean;
  /**
   * Which cancels and steers to obey. Default `participantsOnly`: controls from client ids in the
   * session's presence or that sent a user message in it. Pass `allowAnyControl` to obey all.
   */
  authorizeControl?: ControlPolicy;
  /**
   * On start, answer user messages from the last `answerPendingWithinMs` that no response of this
   * agent answers yet (sent while the agent was starting or restarting). Default 60000; 0 disables.
   */
  answerPendingWithinMs?: number;
  /**
   * This process's instance id, in presence and on every response it writes. Default: a random id.
   * Give each process its own: a restarted process that reused its predecessor's id would look alive
   * to the tabs showing the dead one's unfinished answers, and never take them over.
   */
  instanceId?: string;
  /**
   * What to do with an unfinished response of this agent whose instance left the session (crashed,
   * redeployed): `continue` it from its durable body (the handler gets `turn.resumed` and writes the
   * rest), `restart` the turn (end it `interrupted`, answer afresh), or `off` (leave it to others).
   * The first instance to claim it in the session wins. Default `continue`.
   */
  takeover?: 'continue' | 'restart' | 'off';
  /** How long an instance may be gone from presence before its turns are taken over. Default 3000. */
  takeoverAfterMs?: number;
  /**
   * Whether to answer an edit (a new branch) of a message someone else sent. Clients refuse such an
   * edit by default; an agent that sees one anyway reports `unauthorized` and does not answer it.
   * Default false.
   */
  answerEditsOfOthers?: boolean;
  /** A standby answers no new messages; it takes over turns of instances that died, and retries. Default false. */
  standby?: boolean;
  /** Called with each turn's final record, for logs and tests. */
  onTurnEnd?: (record: TurnRecord) => void;
  /** Called when this instance takes a turn over, before its handler runs. */
  onTakeover?: (info: { turnId: string; responseId: string; from: string; cancelled: boolean }) => void;
  /** Called with errors the agent could not surface in the session. */
  onError?: (e: DurableSessionError) => void;
}

/** What an agent did in one turn: the exact text it published and how it ended. */
export interface TurnRecord {
  sessionId: string;
  turnId: string;
  responseId: string;
  agentId: string;
  text: string;
  /** Every part the agent wrote, as clients hold them once the turn ends. */
  parts: ResponsePart[];
  status: Exclude<ResponseStatus, 'streaming'>;
  aborted: boolean;
  steersApplied: string[];
  /** Why the turn ran (see `Turn.reason`). */
  reason: Turn['reason'];
}

export interface Agent {
  readonly agentId: string;
  /** Attaches to the session, enters presence and starts answering. */
  start(): Promise<void>;
  /** Stops answering new turns, ends running ones `error`, leaves presence. */
  stop(): Promise<void>;
  /** Turns currently running. */
  readonly running: number;
  /** Resolves when no turn is running. */
  idle(): Promise<void>;
}
