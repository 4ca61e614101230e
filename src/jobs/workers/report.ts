import { lastBaseline, lastValidation } from '../../analysis/criteria.js';
import { storedComparison } from '../../analysis/stored-validation.js';
import type { ChangeRecord } from '../../changes/record.js';
import { buildBaselineCharts } from '../../charts/baseline.js';
import type { ChartSpec } from '../../charts/port.js';
import { buildValidationChart } from '../../charts/validation.js';
import { SERVICE_NAMES, type ServiceName, serviceOf } from '../../domain/services.js';
import { renderMarkdown } from '../../present/markdown.js';
import { buildReport, type ReportInput, type StoredBottlenecks } from '../../present/report.js';
import type { Surface } from '../../present/surface.js';
import type { ProbeResult } from '../../results/schema.js';
import type { ReportOutcome, ReportPayload } from '../contracts.js';
import type { JobContext, JobDeps } from '../deps.js';
import { deliverCharts, type Thread, withStatus } from './deliver.js';

const DAY_MS = 86_400_000;

type WindowResults = Partial<Record<ServiceName, ProbeResult[]>>;

/**
 * `report [--since Nd]`: reads the results store and the change ledger (nothing else: no cluster),
 * builds the report (`present/report.ts`), posts its checklist, its charts (a validation chart per
 * service validated in the window, else its baseline's first chart) and the report as a Markdown
 * file in the thread; the CLI's notifier writes that file to disk (`--out`).
 */
export async function runReport(
  payload: ReportPayload,
  title: string,
  deps: JobDeps,
  ctx: JobContext,
): Promise<ReportOutcome> {
  const thread: Thread = { origin: payload.origin, title };
  return withStatus(thread, deps, ctx, async (_inner, status) => {
    const now = deps.clock.now();
    const { input: read, charts } = await readReport(deps, now, payload.sinceDays, payload.origin.source);
    // The CLI's --sandbox (its store is the sandbox's): the commands the report suggests say so.
    const input = { ...read, sandbox: deps.simulated && payload.origin.source === 'cli' };
    const date = input.generatedAt.slice(0, 10);
    const doc = buildReport(input);
    await status.results();
    const checklist = doc.blocks.filter((b) => b.kind === 'checklist');
    await deps.notifier.postInThread(payload.origin.thread, {
      summary: doc.summary,
      blocks: [{ kind: 'paragraph', lines: [doc.summary] }, ...checklist],
    });
    await deliverCharts(thread, charts, deps, ctx.jobId);
    const file = await deps.notifier.postFile(payload.origin.thread, {
      filename: `perf-report-${date}.md`,
      title: `Performance report, ${date}`,
      content: new TextEncoder().encode(renderMarkdown(doc)),
    });
    const items = checklist.flatMap((b) => (b.kind === 'checklist' ? b.items : []));
    return { file, criteriaMet: items.filter((i) => i.done).length, criteria: items.length };
  });
}

/** What the report reads: the store, and the config it judges the targets by. */
export type ReportSource = Pick<JobDeps, 'store' | 'platform' | 'env'>;

/**
 * The report's input and its charts, read from the store alone for the `days` before `now` (ms).
 * The charts are named after the report's date, so that a report's charts sit beside its file.
 */
export async function readReport(
  source: ReportSource,
  now: number,
  days: number,
  surface: Surface,
): Promise<{ input: ReportInput; charts: ChartSpec[] }> {
  const since = new Date(now - days * DAY_MS).toISOString();
  const [results, changes] = await Promise.all([readResults(since, source), readChanges(since, source)]);
  const generatedAt = new Date(now).toISOString();
  const date = generatedAt.slice(0, 10);
  const charts = reportCharts(results).map((c) => ({ ...c, filename: `perf-report-${date}-${c.filename}` }));
  const input: ReportInput = {
    surface,
    generatedAt,
    since,
    days,
    platform: {
      config: source.env.PERFBOT_CONFIG ?? 'the built-in defaults (PERFBOT_CONFIG unset)',
      store: source.store.describe(),
    },
    results,
    changes,
    targets: source.platform.validation.targets,
    overall: source.platform.validation.overall,
    bottlenecks: await readBottlenecks(source, since),
    charts: charts.map((c) => ({ filename: c.filename, title: c.title })),
  };
  return { input, charts };
}

/** Each service's stored results finished within the window, oldest first. */
async function readResults(since: string, deps: ReportSource): Promise<WindowResults> {
  const keep = deps.platform.store.keepResults;
  const entries = await Promise.all(
    SERVICE_NAMES.map(async (service) => {
      const all = await deps.store.results.history(service, keep);
      const inWindow = all.filter((r) => r.finishedAt >= since);
      return [service, inWindow.sort((x, y) => x.finishedAt.localeCompare(y.finishedAt))] as const;
    }),
  );
  return Object.fromEntries(entries.filter(([, list]) => list.length > 0));
}

/** The ledger's changes that were made or moved within the window, oldest first. */
async function readChanges(since: string, deps: ReportSource): Promise<ChangeRecord[]> {
  const all = await deps.store.changes.list();
  return all.filter((c) => c.createdAt >= since || c.history.some((h) => h.at >= since));
}

/** The last `/perf bottlenecks` answer, when it was read within the window (the store keeps answers a week). */
async function readBottlenecks(deps: ReportSource, since: string): Promise<StoredBottlenecks[]> {
  const answer = await deps.store.bottlenecks.latest();
  if (answer === undefined || answer.at < since) return [];
  const findings = answer.findings.map((f) => ({
    severity: f.severity,
    subject: f.subject,
    statement: f.statement,
  }));
  return [{ id: answer.id, takenAt: answer.at, findings }];
}

/** A validation chart per service validated in the window, else its last baseline's first chart. */
export function reportCharts(results: WindowResults): ChartSpec[] {
  return SERVICE_NAMES.flatMap((service) => {
    const list = results[service];
    const validated = lastValidation(list);
    const compared = validated ? storedComparison(validated) : undefined;
    const chart = compared && buildValidationChart(service, compared, validated?.context.simulated);
    if (chart) return [chart];
    const baseline = lastBaseline(list);
    return baseline ? buildBaselineCharts(baseline, serviceOf(service).charts).slice(0, 1) : [];
  });
}
