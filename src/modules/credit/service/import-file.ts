import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { basename } from 'node:path';
import { and, desc, eq } from 'drizzle-orm';
import type { AppContext } from '../../../platform/context.ts';
import { runCommand } from '../../../platform/command.ts';
import { appendAudit } from '../../../platform/audit/service.ts';
import { actorLabel, type Actor } from '../../../platform/auth/roles.ts';
import { shanghaiDate } from '../../../kernel/clock.ts';
import { uuidv7 } from '../../../kernel/ids.ts';
import { Problem, problems } from '../../../kernel/problem.ts';
import { creditImports } from '../schema.ts';
import { readCreditFile } from '../importFile.ts';
import { checkRecords, insertBatch, queueRecompute, type LineError, type LineRecord } from './import-batch.ts';
import { lockCreditWrites } from './store.ts';
import { resolveSubjects, subjectKey, type Subject } from './subjects.ts';
import { sweep } from './sweep.ts';

/** Lines per transaction (and per audit entry) of a file import. */
export const IMPORT_CHUNK = 5000;
/** Errors kept for the report; the count covers them all. */
const ERRORS_KEPT = 1000;

export type ImportPhase = 'validate' | 'insert' | 'recompute';

export interface FileImportOptions {
  /** Import the valid lines and report the others; by default one bad line refuses the whole file. */
  skipInvalid?: boolean;
  /** Import a file that was fully imported before, once more. */
  again?: boolean;
  /** Lines per transaction; IMPORT_CHUNK unless a test wants many small ones. */
  chunkLines?: number;
  onProgress?: (phase: ImportPhase, done: number, total: number) => void;
}

export interface FileImportResult {
  /** Null when the file was refused (nothing written). */
  importId: string | null;
  fileDigest: string;
  lines: number;
  imported: number;
  alreadyRecorded: number;
  skipped: number;
  /** Set when an interrupted import of the same file was resumed after this line. */
  resumedAfterLine: number | null;
  subjectsRecomputed: number;
  classChanges: number;
  errorCount: number;
  errors: LineError[];
  seconds: Record<ImportPhase, number>;
}

interface Validation {
  digest: string;
  lines: number;
  /** SHA-256 of the raw lines of each chunk: the second pass proves it records what was checked. */
  chunkDigests: string[];
  badLines: Set<number>;
  errors: LineError[];
  errorCount: number;
  subjects: Map<string, Subject>;
}

/**
 * Pass 1: parse and check every line against the schema, the admission rules and the database
 * (subjects registered, client ids), writing nothing; also the file's SHA-256, which identifies the
 * import so that an interrupted one resumes instead of starting over.
 */
async function validateFile(
  ctx: AppContext,
  actor: Actor,
  path: string,
  today: string,
  chunkLines: number,
  onProgress?: FileImportOptions['onProgress'],
): Promise<Validation> {
  const size = statSync(path).size;
  const hash = createHash('sha256');
  let chunkHash = createHash('sha256');
  let bytes = 0;
  const v: Validation = {
    digest: '',
    lines: 0,
    chunkDigests: [],
    badLines: new Set(),
    errors: [],
    errorCount: 0,
    subjects: new Map(),
  };
  const unknown = new Set<string>();
  const seenIds = new Set<string>();
  const fail = (errors: LineError[]) => {
    for (const e of errors) {
      v.badLines.add(e.line);
      v.errorCount++;
      if (v.errors.length < ERRORS_KEPT) v.errors.push(e);
    }
  };
  let batch: LineRecord[] = [];
  const flush = async () => {
    const missing = [
      ...new Map(
        batch.map((b) => [
          subjectKey(b.record.subjectKind, b.record.subject),
          { kind: b.record.subjectKind, code: b.record.subject },
        ]),
      ).entries(),
    ].filter(([k]) => !v.subjects.has(k) && !unknown.has(k));
    const found = await resolveSubjects(
      ctx.db,
      missing.map(([, w]) => w),
    );
    for (const [k] of missing) found.has(k) ? v.subjects.set(k, found.get(k)!) : unknown.add(k);
    fail((await checkRecords(ctx.db, batch, actor, today, v.subjects, seenIds)).errors);
    batch = [];
  };
  const onChunk = (chunk: Buffer) => {
    hash.update(chunk);
    bytes += chunk.length;
    onProgress?.('validate', bytes, size);
  };
  for await (const parsed of readCreditFile(path, { onChunk })) {
    v.lines++;
    chunkHash.update(parsed.raw + '\n');
    if (v.lines % chunkLines === 0) {
      v.chunkDigests.push(chunkHash.digest('hex'));
      chunkHash = createHash('sha256');
    }
    if (parsed.record) batch.push({ line: parsed.line, record: parsed.record });
    else fail(parsed.errors);
    if (batch.length >= IMPORT_CHUNK) await flush();
  }
  if (v.lines % chunkLines !== 0) v.chunkDigests.push(chunkHash.digest('hex'));
  await flush();
  v.errors.sort((a, b) => a.line - b.line);
  v.digest = hash.digest('hex');
  return v;
}

type ImportRow = typeof creditImports.$inferSelect;

/** The import of this file to continue, or a new one. A finished import is not repeated unless asked. */
async function startOrResume(
  ctx: AppContext,
  actor: Actor,
  path: string,
  v: Validation,
  again: boolean,
): Promise<ImportRow> {
  return runCommand(ctx, 'credit.importStarted', async (tx) => {
    await lockCreditWrites(tx);
    const [last] = await tx
      .select()
      .from(creditImports)
      .where(eq(creditImports.fileDigest, v.digest))
      .orderBy(desc(creditImports.startedAt))
      .limit(1);
    if (last?.status === 'RUNNING') return last;
    if (last?.status === 'DONE' && !again) {
      throw problems.conflict(
        `This file (SHA-256 ${v.digest.slice(0, 12)}…) was imported on ` +
          `${last.finishedAt?.toISOString()} (import ${last.id}); importing it again would record ` +
          `every input twice. Pass --again if that is meant.`,
      );
    }
    const now = ctx.clock.now();
    const row: ImportRow = {
      id: uuidv7(now.getTime()),
      fileDigest: v.digest,
      fileName: basename(path),
      totalLines: v.lines,
      linesDone: 0,
      inputsImported: 0,
      linesSkipped: 0,
      status: 'RUNNING',
      startedBy: actorLabel(actor),
      startedAt: now,
      finishedAt: null,
    };
    await tx.insert(creditImports).values(row);
    await appendAudit(tx, {
      actor: actorLabel(actor),
      action: 'credit.importStarted',
      subject: `credit-import:${row.id}`,
      change: {
        importId: row.id,
        fileName: row.fileName,
        fileDigest: row.fileDigest,
        lines: v.lines,
        invalidLines: v.badLines.size,
      },
      at: now,
    });
    return row;
  });
}

interface ChunkOutcome {
  imported: number;
  alreadyRecorded: number;
  skipped: number;
}

/**
 * Pass 2, one transaction per chunk: the inputs under one audit entry, their subjects queued for
 * recomputation, and the import's progress, together. Lines at or before the committed progress are
 * skipped, so a resumed (or doubly started) import records each input exactly once.
 */
async function insertChunk(
  ctx: AppContext,
  actor: Actor,
  importId: string,
  records: LineRecord[],
  badInChunk: number,
  lastLine: number,
  v: Validation,
): Promise<ChunkOutcome> {
  return runCommand(ctx, 'credit.importInputs', async (tx) => {
    await lockCreditWrites(tx);
    const [job] = await tx.select().from(creditImports).where(eq(creditImports.id, importId)).for('update');
    if (!job || job.status !== 'RUNNING') throw problems.conflict(`Import ${importId} is not running any more.`);
    if (lastLine <= job.linesDone) return { imported: 0, alreadyRecorded: 0, skipped: 0 };
    const todo = records.filter((r) => r.line > job.linesDone);
    const now = ctx.clock.now();
    const checked = await checkRecords(tx, todo, actor, shanghaiDate(now), v.subjects);
    if (checked.errors.length) {
      // Only a concurrent change between the passes gets here (e.g. the same client id recorded meanwhile).
      throw problems.rule(
        'credit-records-refused',
        'Records refused',
        `Line ${checked.errors[0]!.line}: ${checked.errors[0]!.message} The import stopped after ` +
          `line ${job.linesDone}; run it again to resume.`,
      );
    }
    const from = todo[0]?.line ?? lastLine;
    await insertBatch(tx, checked.accepted, actor, now, { importId, lines: [from, lastLine] });
    await queueRecompute(
      tx,
      checked.accepted.map((a) => a.subject),
      `bulk import ${importId}`,
      now,
    );
    await tx
      .update(creditImports)
      .set({
        linesDone: lastLine,
        inputsImported: job.inputsImported + checked.accepted.length,
        linesSkipped: job.linesSkipped + badInChunk,
      })
      .where(and(eq(creditImports.id, importId), eq(creditImports.status, 'RUNNING')));
    return { imported: checked.accepted.length, alreadyRecorded: checked.alreadyRecorded.length, skipped: badInChunk };
  });
}

/**
 * Pass 2: reads the file again, chunk by chunk, and records each chunk in its own transaction while
 * the next chunk is being read (the database and the parsing overlap; the transactions themselves
 * stay in file order). A chunk whose raw lines no longer hash to what pass 1 checked stops the import
 * before anything of it is written: the file changed in between.
 */
async function recordFile(
  ctx: AppContext,
  actor: Actor,
  path: string,
  job: ImportRow,
  v: Validation,
  chunkLines: number,
  result: FileImportResult,
  onProgress: FileImportOptions['onProgress'],
): Promise<void> {
  let inFlight: Promise<void> | null = null;
  let hash = createHash('sha256');
  let chunk: LineRecord[] = [];
  let bad = 0;
  let read = 0;
  let lastLine = 0;
  const settle = async () => {
    if (inFlight) await inFlight;
    inFlight = null;
  };
  const flush = async (index: number) => {
    const digest = hash.digest('hex');
    hash = createHash('sha256');
    if (digest !== v.chunkDigests[index])
      throw problems.conflict(
        `${basename(path)} changed while it was being imported (lines up to ${lastLine}); nothing of ` +
          `that part was recorded. Run the import again to check and resume it.`,
      );
    const [records, skipped, through, done] = [chunk, bad, lastLine, read];
    chunk = [];
    bad = 0;
    await settle();
    if (through <= job.linesDone) return;
    const commit = insertChunk(ctx, actor, job.id, records, skipped, through, v).then((outcome) => {
      result.imported += outcome.imported;
      result.alreadyRecorded += outcome.alreadyRecorded;
      result.skipped += outcome.skipped;
      onProgress?.('insert', done, v.lines);
    });
    commit.catch(() => {}); // awaited by the next flush; this only keeps the rejection from going unhandled meanwhile
    inFlight = commit;
  };
  try {
    for await (const parsed of readCreditFile(path, { checked: true })) {
      hash.update(parsed.raw + '\n');
      read++;
      lastLine = parsed.line;
      if (parsed.line > job.linesDone) {
        if (v.badLines.has(parsed.line) || !parsed.record) bad++;
        else chunk.push({ line: parsed.line, record: parsed.record });
      }
      if (read % chunkLines === 0) await flush(read / chunkLines - 1);
    }
    if (read % chunkLines !== 0) await flush(Math.floor(read / chunkLines));
  } catch (err) {
    // Never leave a chunk's transaction running behind an error: the caller may close the database.
    await (inFlight as Promise<void> | null)?.catch(() => {});
    throw err;
  }
  await settle();
}

async function finish(
  ctx: AppContext,
  actor: Actor,
  importId: string,
  summary: Record<string, unknown>,
): Promise<void> {
  await runCommand(ctx, 'credit.importFinished', async (tx) => {
    await lockCreditWrites(tx);
    const now = ctx.clock.now();
    await tx.update(creditImports).set({ status: 'DONE', finishedAt: now }).where(eq(creditImports.id, importId));
    await appendAudit(tx, {
      actor: actorLabel(actor),
      action: 'credit.importFinished',
      subject: `credit-import:${importId}`,
      change: { importId, ...summary },
      at: now,
    });
  });
}

/**
 * Backfill from a file of hundreds of thousands of inputs (the `tidegate credit import` command).
 * Validate everything first (a bad line refuses the file, writing nothing, unless skipInvalid);
 * then insert IMPORT_CHUNK lines per transaction, queueing each touched subject; then recompute
 * every queued subject once, RECOMPUTE_CHUNK per transaction. Until its recomputation a queued
 * subject's class is derived from its inputs on every read, so no reader sees a stale class.
 */
export async function importCreditFile(
  ctx: AppContext,
  actor: Actor,
  path: string,
  opts: FileImportOptions = {},
): Promise<FileImportResult> {
  const seconds: Record<ImportPhase, number> = { validate: 0, insert: 0, recompute: 0 };
  let t0 = performance.now();
  const chunkLines = opts.chunkLines ?? IMPORT_CHUNK;
  const v = await validateFile(ctx, actor, path, shanghaiDate(ctx.clock.now()), chunkLines, opts.onProgress);
  seconds.validate = (performance.now() - t0) / 1000;
  const result: FileImportResult = {
    importId: null,
    fileDigest: v.digest,
    lines: v.lines,
    imported: 0,
    alreadyRecorded: 0,
    skipped: 0,
    resumedAfterLine: null,
    subjectsRecomputed: 0,
    classChanges: 0,
    errorCount: v.errorCount,
    errors: v.errors,
    seconds,
  };
  if (v.errorCount > 0 && !opts.skipInvalid) return result;

  const job = await startOrResume(ctx, actor, path, v, Boolean(opts.again));
  result.importId = job.id;
  if (job.linesDone > 0) result.resumedAfterLine = job.linesDone;
  t0 = performance.now();
  await recordFile(ctx, actor, path, job, v, chunkLines, result, opts.onProgress);
  opts.onProgress?.('insert', v.lines, v.lines);
  seconds.insert = (performance.now() - t0) / 1000;

  t0 = performance.now();
  try {
    const swept = await sweep(ctx, shanghaiDate(ctx.clock.now()), (done, total) =>
      opts.onProgress?.('recompute', done, total),
    );
    result.subjectsRecomputed = swept.checked;
    result.classChanges = swept.changed;
  } catch (err) {
    // The inputs are in and their subjects queued: the next sweep (at start-up or 00:05) finishes the job.
    throw err instanceof Problem
      ? err
      : new Error(
          `The inputs are recorded; recomputing their subjects failed (${(err as Error).message}). ` +
            `Run \`tidegate credit sweep\` to finish.`,
        );
  }
  seconds.recompute = (performance.now() - t0) / 1000;
  await finish(ctx, actor, job.id, {
    imported: result.imported,
    skipped: result.skipped,
    alreadyRecorded: result.alreadyRecorded,
    subjectsRecomputed: result.subjectsRecomputed,
    classChanges: result.classChanges,
  });
  return result;
}
