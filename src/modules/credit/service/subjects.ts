import type { Executor } from '../../../platform/db/client.ts';
import type { Actor } from '../../../platform/auth/roles.ts';
import { assertEnterpriseVisible } from '../../../platform/auth/scope.ts';
import { problems } from '../../../kernel/problem.ts';
import {
  existingIndividualIds,
  findEnterpriseByUscc,
  findEnterprisesByIds,
  findEnterprisesByUscc,
} from '../../subjects/service.ts';
import { ADMISSION_RULES } from '../admission.ts';
import type { SubjectKind } from '../rules.ts';

export interface Subject {
  kind: SubjectKind;
  id: string;
  /** USCC for an enterprise, the individual's id otherwise: what the outside world calls it. */
  code: string;
}

export const subjectKey = (kind: SubjectKind, code: string) => `${kind}:${code}`;

/** A subject named in a URL: unknown, or another enterprise's for an enterprise user, is a 404. */
export async function resolveSubject(
  ex: Executor,
  actor: Actor | null,
  kind: SubjectKind,
  code: string,
): Promise<Subject> {
  if (kind === 'ENTERPRISE') {
    const e = await findEnterpriseByUscc(ex, code);
    if (!e) throw problems.notFound(`Enterprise ${code}`);
    if (actor) assertEnterpriseVisible(actor, e.id, `Enterprise ${code}`);
    return { kind, id: e.id, code: e.uscc };
  }
  // Individuals' credit is theirs and the officers'; an enterprise user never reaches it.
  if (actor?.role === 'enterprise_user') throw problems.notFound(`Individual ${code}`);
  if (!(await existingIndividualIds(ex, [code])).has(code)) throw problems.notFound(`Individual ${code}`);
  return { kind, id: code, code };
}

export function unknownSubjectError(kind: SubjectKind, code: string, path: string) {
  return {
    path,
    rule: ADMISSION_RULES.subjectRegistered,
    message: `No ${kind === 'ENTERPRISE' ? 'enterprise' : 'individual'} ${code} is registered; register it first.`,
  };
}

/** A subject named in a request body: unknown is a 422 naming the field. */
export async function subjectOfRecord(ex: Executor, kind: SubjectKind, code: string): Promise<Subject> {
  const found = (await resolveSubjects(ex, [{ kind, code }])).get(subjectKey(kind, code));
  if (!found)
    throw problems.rule('unknown-subject', 'Unknown subject', unknownSubjectError(kind, code, 'subject').message, [
      unknownSubjectError(kind, code, 'subject'),
    ]);
  return found;
}

/** Many subjects by code at once (imports); unknown ones are absent from the map. */
export async function resolveSubjects(
  ex: Executor,
  wanted: readonly { kind: SubjectKind; code: string }[],
): Promise<Map<string, Subject>> {
  const found = new Map<string, Subject>();
  const usccs = [...new Set(wanted.filter((w) => w.kind === 'ENTERPRISE').map((w) => w.code))];
  for (const e of await findEnterprisesByUscc(ex, usccs))
    found.set(subjectKey('ENTERPRISE', e.uscc), { kind: 'ENTERPRISE', id: e.id, code: e.uscc });
  const people = [...new Set(wanted.filter((w) => w.kind === 'INDIVIDUAL').map((w) => w.code))];
  for (const id of await existingIndividualIds(ex, people))
    found.set(subjectKey('INDIVIDUAL', id), { kind: 'INDIVIDUAL', id, code: id });
  return found;
}

/** Subjects by their internal id (the stored classes know only the id and the kind). */
export async function subjectsByIds(
  ex: Executor,
  rows: readonly { subjectId: string; subjectKind: string }[],
): Promise<Subject[]> {
  const enterpriseIds = rows.filter((r) => r.subjectKind === 'ENTERPRISE').map((r) => r.subjectId);
  const usccById = new Map((await findEnterprisesByIds(ex, enterpriseIds)).map((e) => [e.id, e.uscc]));
  const subjects: Subject[] = [];
  for (const r of rows) {
    if (r.subjectKind === 'INDIVIDUAL') subjects.push({ kind: 'INDIVIDUAL', id: r.subjectId, code: r.subjectId });
    else if (usccById.has(r.subjectId))
      subjects.push({ kind: 'ENTERPRISE', id: r.subjectId, code: usccById.get(r.subjectId)! });
  }
  return subjects;
}
