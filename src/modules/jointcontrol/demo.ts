/**
 * Demo data for joint control: the police and market regulation as department clients, and the
 * newest RED decisions of the risk demo as cases — one acknowledged by both with the police's outcome
 * reported, one acknowledged by the police, the rest open. The outbox consumer opens a case for every
 * other RED decision once the server runs (the same command: a case opened here is not opened twice).
 */
import type { AppContext } from '../../platform/context.ts';
import { runCommand } from '../../platform/command.ts';
import { createApiClient } from '../../platform/auth/service.ts';
import { systemActor, type Actor } from '../../platform/auth/roles.ts';
import { getDecision, listAlerts } from '../risk/service.ts';
import { acknowledgeCase, openCaseForDecision, reportOutcome } from './service.ts';

async function departmentClient(ctx: AppContext, name: string, department: string): Promise<Actor> {
  const { client } = await runCommand(ctx, 'apiClient.create', (tx) =>
    createApiClient(tx, { name, role: 'department', scope: { department } }, systemActor('demo-seed'), ctx.clock.now()),
  );
  return { kind: 'client', id: client.id, name, role: 'department', enterpriseId: null, scope: { department } };
}

export async function seedJointControlDemo(ctx: AppContext): Promise<void> {
  const police = await departmentClient(ctx, 'demo-police 海南省公安厅', 'police');
  const market = await departmentClient(ctx, 'demo-market-regulation 海南省市场监督管理局', 'market_regulation');
  const { items } = await listAlerts(ctx, { level: 'RED', page: 1, pageSize: 3 });
  const cases: string[] = [];
  for (const alert of items) {
    const d = await getDecision(ctx, alert.declarationId);
    const opened = await openCaseForDecision(ctx, { enterpriseId: d.enterpriseId, declarationId: d.declarationId });
    if (opened) cases.push(opened.caseId);
  }
  const [first, second] = cases;
  if (first) {
    await acknowledgeCase(ctx, police, first, { note: '经侦总队 专案组已接收' });
    await acknowledgeCase(ctx, market, first, { note: '综合执法处已接收' });
    await reportOutcome(ctx, police, first, {
      outcome: 'CRIMINAL_CASE_FILED',
      reference: '琼公经立字〔2026〕0417号',
      summary: '经核查，涉嫌走私普通货物，已刑事立案侦查 (suspected smuggling of ordinary goods; criminal case filed).',
    });
  }
  if (second) await acknowledgeCase(ctx, police, second, { note: '已接收，正在核查' });
}
