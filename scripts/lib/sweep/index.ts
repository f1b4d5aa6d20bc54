/** Sweeps over kernels, networks and models (README "Sweeps"): the library API, re-exports only. */
export { sweep, sweepPoints, inPointOrder, pointsToRun, specOf, type SweepOptions } from './sweep.js';
export { parseSweepSpec, readSweepSpec, TARGET_KINDS, MAX_POINTS, type Axis, type AxisKind, type Constraint, type Sample, type SweepSpec, type Target, type TargetKind } from './spec.js';
export { shardPoints, type SweepPoint } from './points.js';
export { csvText, FIGURES, rowCells, STATUSES, sweepHeader, type PointStatus, type SweepRow } from './columns.js';
export { FIGURE_NAMES, TARGETS, type FigureName, type Figures } from './targets.js';
export { runPoints, threadsFor } from './pool.js';
export { SweepOutFile } from './out-file.js';
export { mergeShards, type MergeResult } from './merge.js';
export { parseSweepCsv, type CsvRow, type SweepCsv } from './csv-rows.js';
export { ExprError, evaluate, holds, namesIn, parseExpr, type Expr, type ExprValue } from './expr.js';
export type { AxisValue } from './axis-values.js';
