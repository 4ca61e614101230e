/** A Chart.js configuration (kept as plain JSON so that it can go to QuickChart as it is). */
export type ChartConfig = {
  type: string;
  data: { labels?: unknown[]; datasets: Record<string, unknown>[] };
  options?: Record<string, unknown>;
};

/** A chart ready to render: the pure config plus what a reader needs beside the picture. */
export interface ChartSpec {
  config: ChartConfig;
  title: string;
  /** Numbers, target and previous baseline in words (a chart never stands alone). */
  altText: string;
  filename: string;
}

export type RenderedChart = { kind: 'png'; png: Uint8Array } | { kind: 'url'; url: string };

/** PNG in-process (default) or a QuickChart URL; chosen by `charts.mode` in perfbot.yaml. */
export interface ChartRenderer {
  render(config: ChartConfig, size: { width: number; height: number }): Promise<RenderedChart>;
}
