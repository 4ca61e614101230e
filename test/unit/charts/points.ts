/** A dataset's values: its points' `y` (bars carry `{ x, y, label }` points), or the numbers themselves. */
export function ys(dataset: Record<string, unknown> | undefined): (number | null)[] | undefined {
  const data = dataset?.data as unknown[] | undefined;
  return data?.map((p) =>
    typeof p === 'object' && p !== null ? ((p as { y: number | null }).y ?? null) : (p as number | null),
  );
}

/** A dataset's points as the chart configs build them (`labelledPoints`); empty without data. */
export function points(
  dataset: Record<string, unknown> | undefined,
): { x: string; y: number | null; label: string; labelAt?: number }[] {
  return (dataset?.data ?? []) as { x: string; y: number | null; label: string; labelAt?: number }[];
}
