/**
 * Pure fitting helpers for calibrating the simulator's latency tables against measured curves.
 *
 * The basic model is affine in the amount of work x (bytes for a transfer, repeats for a vector op):
 *   DMA:    cycles = fixed + ceil(x / throughput)        (throughput in bytes/cycle)
 *   vector: cycles = fixed + x * cyclesPerUnit           (x = repeats)
 * Errors are RELATIVE: (predicted - measured) / measured. The default objective is 'minimax', i.e.
 * the fit minimises the maximum |relative error| over the fitted points (x >= minX; 1024 bytes for
 * the DMA helper); 'lsq' minimises the sum of squared relative errors instead.
 *
 * Every fit runs in two stages: a continuous optimum, then a small search over the neighbouring
 * "integer-friendly" values (fixed on a 1-cycle grid, throughput on a 0.1 B/cycle grid, cycles per
 * unit on a 0.01 grid by default) that re-scores the rounded model exactly as the simulator would
 * evaluate it (with the ceil). Both the rounded and the raw values are returned.
 */

export interface Point {
  /** Work: bytes, repeats, fractals... */
  x: number;
  /** Measured cycles (> 0). */
  y: number;
}

export type Objective = 'minimax' | 'lsq';

export interface PointError {
  x: number;
  measured: number;
  predicted: number;
  /** (predicted - measured) / measured */
  relErr: number;
  /** Whether the point took part in the fit (x >= minX). */
  inFit: boolean;
}

export type Model = (x: number) => number;

/** Score of a model on points: max |relErr| ('minimax') or sum of relErr^2 ('lsq'). */
export function score(points: readonly Point[], model: Model, objective: Objective): number {
  let acc = 0;
  for (const p of points) {
    const e = (model(p.x) - p.y) / p.y;
    acc = objective === 'minimax' ? Math.max(acc, Math.abs(e)) : acc + e * e;
  }
  return acc;
}

/** Per-point relative errors of a model, sorted by x. */
export function pointErrors(points: readonly Point[], model: Model, minX = -Infinity): PointError[] {
  return [...points]
    .sort((a, b) => a.x - b.x)
    .map((p) => {
      const predicted = model(p.x);
      return { x: p.x, measured: p.y, predicted, relErr: (predicted - p.y) / p.y, inFit: p.x >= minX };
    });
}

/** Largest |relErr| among the errors that took part in the fit. */
export function maxAbsRelErr(errors: readonly PointError[]): number {
  return errors.filter((e) => e.inFit).reduce((m, e) => Math.max(m, Math.abs(e.relErr)), 0);
}

/** Root-mean-square relErr among the errors that took part in the fit. */
export function rmsRelErr(errors: readonly PointError[]): number {
  const f = errors.filter((e) => e.inFit);
  return f.length === 0 ? 0 : Math.sqrt(f.reduce((s, e) => s + e.relErr * e.relErr, 0) / f.length);
}

/**
 * The error at the point whose x is nearest (in log scale) to `x`; with several measurements at that
 * size, the one with the largest |relErr|. Undefined for an empty list.
 */
export function errorNear(errors: readonly PointError[], x: number): PointError | undefined {
  let best: PointError | undefined;
  let bestD = Infinity;
  for (const e of errors) {
    const d = Math.abs(Math.log(e.x / x));
    if (d < bestD - 1e-12 || (Math.abs(d - bestD) <= 1e-12 && best && Math.abs(e.relErr) > Math.abs(best.relErr))) {
      best = e;
      bestD = d;
    }
  }
  return best;
}

/** Golden-section minimisation of a unimodal (here: convex) function on [lo, hi]. */
export function goldenMin(f: (v: number) => number, lo: number, hi: number, iterations = 80): number {
  const g = (Math.sqrt(5) - 1) / 2;
  let a = lo;
  let b = hi;
  let c = b - g * (b - a);
  let d = a + g * (b - a);
  let fc = f(c);
  let fd = f(d);
  for (let i = 0; i < iterations && b - a > 1e-12 * (1 + Math.abs(a) + Math.abs(b)); i++) {
    if (fc <= fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - g * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + g * (b - a);
      fd = f(d);
    }
  }
  return (a + b) / 2;
}

export interface AffineOptions {
  objective?: Objective;
  /** Lower bound on the intercept (default 0: no negative fixed latency). */
  minFixed?: number;
  /**
   * What the intercept multiplies (default 1 for every point). With x => ceil(x / chunk) the fit is
   * cycles = fixed * ceil(x / chunk) + slope * x: a fixed cost per chunk (request) instead of per call.
   */
  interceptFeature?: (x: number) => number;
}

/**
 * Continuous fit of y = fixed * u(x) + slope * x (u = 1 unless opts.interceptFeature; slope >= 0,
 * fixed >= minFixed) minimising the chosen objective on relative error. 'lsq' is a weighted linear
 * least squares (closed form, with the bounds enforced); 'minimax' is solved exactly by a Remez
 * exchange (three-point references), falling back to nested golden-section searches of the convex
 * objective when the exchange cannot certify its answer or the bound on fixed is active.
 */
export function fitAffine(points: readonly Point[], opts: AffineOptions = {}): { fixed: number; slope: number } {
  const objective = opts.objective ?? 'minimax';
  const minFixed = opts.minFixed ?? 0;
  const feature = opts.interceptFeature ?? (() => 1);
  if (points.length === 0) throw new Error('fitAffine: no points');
  for (const p of points) {
    if (!(p.y > 0) || !Number.isFinite(p.x)) throw new Error(`fitAffine: bad point ${JSON.stringify(p)}`);
  }
  const n = points.length;
  const xs = Float64Array.from(points, (p) => p.x);
  const ys = Float64Array.from(points, (p) => p.y);
  const us = Float64Array.from(points, (p) => feature(p.x));
  if (n === 1) {
    const fixed = Math.min(Math.max(minFixed, 0), ys[0] as number);
    const x0 = xs[0] as number;
    return { fixed, slope: x0 > 0 ? ((ys[0] as number) - fixed * (us[0] as number)) / x0 : 0 };
  }
  if (objective === 'lsq') {
    // minimise sum (fixed * a_i + slope * b_i - 1)^2 with a_i = u_i / y_i, b_i = x_i / y_i
    let aa = 0;
    let ab = 0;
    let bb = 0;
    let a1 = 0;
    let b1 = 0;
    for (let i = 0; i < n; i++) {
      const y = ys[i] as number;
      const a = (us[i] as number) / y;
      const b = (xs[i] as number) / y;
      aa += a * a;
      ab += a * b;
      bb += b * b;
      a1 += a;
      b1 += b;
    }
    const det = aa * bb - ab * ab;
    let fixed = det !== 0 ? (a1 * bb - b1 * ab) / det : minFixed;
    let slope = det !== 0 ? (aa * b1 - ab * a1) / det : 0;
    if (fixed < minFixed || det === 0) {
      fixed = minFixed;
      slope = bb > 0 ? (b1 - fixed * ab) / bb : 0;
    }
    if (slope < 0) {
      slope = 0;
      fixed = Math.max(minFixed, a1 / aa);
    }
    return { fixed, slope };
  }
  const maxErr = (a: number, s: number): number => {
    let m = 0;
    for (let i = 0; i < n; i++) {
      const y = ys[i] as number;
      const e = Math.abs(a * (us[i] as number) + s * (xs[i] as number) - y) / y;
      if (e > m) m = e;
    }
    return m;
  };
  let maxY = 0;
  let maxSlope = 0;
  for (let i = 0; i < n; i++) {
    maxY = Math.max(maxY, ys[i] as number);
    const x = xs[i] as number;
    if (x > 0) maxSlope = Math.max(maxSlope, (2 * (ys[i] as number)) / x);
  }
  {
    const r = remezAffine(xs, ys, us);
    if (r !== undefined && r.fixed >= minFixed && r.slope >= 0) return r;
    if (r !== undefined && r.slope >= 0) {
      // the unconstrained optimum wants fixed < minFixed: pin it and search the slope alone
      const slope = goldenMin((s) => maxErr(minFixed, s), 0, maxSlope, 60);
      return { fixed: minFixed, slope };
    }
  }
  const hiFixed = Math.max(minFixed, 0) + 2 * maxY;
  const bestFixed = (s: number): number => goldenMin((a) => maxErr(a, s), minFixed, hiFixed, 50);
  const slope = goldenMin((s) => maxErr(bestFixed(s), s), 0, maxSlope, 50);
  return { fixed: bestFixed(slope), slope };
}

/** Solve a 3x3 linear system by Gaussian elimination; undefined if (nearly) singular. */
function solve3(m: number[][], rhs: number[]): number[] | undefined {
  const a = m.map((row, i) => [...row, rhs[i] as number]);
  for (let c = 0; c < 3; c++) {
    let piv = c;
    for (let r = c + 1; r < 3; r++) if (Math.abs(a[r]![c]!) > Math.abs(a[piv]![c]!)) piv = r;
    if (Math.abs(a[piv]![c]!) < 1e-300) return undefined;
    [a[c], a[piv]] = [a[piv]!, a[c]!];
    for (let r = 0; r < 3; r++) {
      if (r === c) continue;
      const f = a[r]![c]! / a[c]![c]!;
      for (let k = c; k < 4; k++) a[r]![k]! -= f * a[c]![k]!;
    }
  }
  const out = [0, 1, 2].map((i) => a[i]![3]! / a[i]![i]!);
  return out.every(Number.isFinite) ? out : undefined;
}

/**
 * Exact discrete minimax fit of y = fixed * u + slope * x in relative error, by the Remez exchange on
 * three-point references. A result is returned only with a proof of optimality: every error is within
 * the levelled error h of the reference and the reference's signed gradients have 0 in their convex
 * hull. Otherwise (fewer than three distinct x, a singular reference, no convergence) it returns
 * undefined and the caller falls back to a search.
 */
function remezAffine(xs: Float64Array, ys: Float64Array, us: Float64Array): { fixed: number; slope: number } | undefined {
  const n = xs.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => (xs[i] as number) - (xs[j] as number));
  const X = order.map((i) => xs[i] as number);
  const Y = order.map((i) => ys[i] as number);
  const U = order.map((i) => us[i] as number);
  if (n < 3 || (X[0] as number) === (X[n - 1] as number)) return undefined;
  let ref = [0, Math.floor(n / 2), n - 1];
  let levelled = -1;
  for (let iter = 0; iter < 200; iter++) {
    const [r0, r1, r2] = ref as [number, number, number];
    if (!(X[r0]! < X[r1]! && X[r1]! < X[r2]!)) return undefined;
    // fixed * u_k + slope * x_k - sigma_k * h * y_k = y_k, sigma = +1, -1, +1
    const sigma = [1, -1, 1];
    const sol = solve3(
      [r0, r1, r2].map((k, j) => [U[k]!, X[k]!, -sigma[j]! * Y[k]!]),
      [Y[r0]!, Y[r1]!, Y[r2]!],
    );
    if (sol === undefined) return undefined;
    const [fixed, slope, h] = sol as [number, number, number];
    const err = (i: number): number => (fixed * U[i]! + slope * X[i]! - Y[i]!) / Y[i]!;
    let worst = -1;
    let worstErr = 0;
    for (let i = 0; i < n; i++) {
      const e = Math.abs(err(i));
      if (e > worstErr) {
        worstErr = e;
        worst = i;
      }
    }
    if (worst < 0 || worstErr <= Math.abs(h) * (1 + 1e-12) + 1e-15) {
      // optimal iff some lambda >= 0 (not all 0) has sum lambda_k * sigma_k * sign(h) * grad_k = 0
      const g = [r0, r1, r2].map((k, j) => [(sigma[j]! * U[k]!) / Y[k]!, (sigma[j]! * X[k]!) / Y[k]!] as const);
      const cross = (a: readonly [number, number], b: readonly [number, number]): number => a[0] * b[1] - a[1] * b[0];
      const lam = [cross(g[1]!, g[2]!), cross(g[2]!, g[0]!), cross(g[0]!, g[1]!)];
      const ok = lam.every((l) => l >= -1e-12 * Math.max(...lam.map(Math.abs))) || lam.every((l) => l <= 1e-12 * Math.max(...lam.map(Math.abs)));
      return ok || Math.abs(h) < 1e-15 ? { fixed, slope } : undefined;
    }
    if (Math.abs(h) < levelled * (1 - 1e-12)) return undefined; // must not decrease
    levelled = Math.abs(h);
    const sp = Math.sign(err(worst));
    const sg = (k: number): number => Math.sign(err(k));
    const p = worst;
    if (ref.includes(p)) return undefined;
    if (X[p]! < X[r0]!) ref = sp === sg(r0) ? [p, r1, r2] : [p, r0, r1];
    else if (X[p]! > X[r2]!) ref = sp === sg(r2) ? [r0, r1, p] : [r1, r2, p];
    else if (X[p]! < X[r1]!) ref = sp === sg(r0) ? [p, r1, r2] : [r0, p, r2];
    else ref = sp === sg(r1) ? [r0, p, r2] : [r0, r1, p];
  }
  return undefined;
}

/** Round to a grid step, killing floating noise (0.30000000000000004 -> 0.3). */
export function roundTo(v: number, step: number): number {
  const r = Math.round(v / step) * step;
  const decimals = Math.max(0, Math.ceil(-Math.log10(step)) + 1);
  return Number(r.toFixed(decimals));
}

/**
 * Search the grid around (fixed, rate) for the rounded pair that scores best under `scoreOf`.
 * `rate` is whatever second parameter the model uses (throughput or cycles per unit). The rate window
 * is +-max(span.rate steps, 3 % of rate), at most 60 steps. With the ceil in the model several pairs
 * can score the same; ties go to whole numbers, then to the pair nearest the continuous optimum.
 */
export function roundPair(
  fixed: number,
  rate: number,
  steps: { fixedStep: number; rateStep: number; minFixed: number; minRate: number },
  scoreOf: (fixed: number, rate: number) => number,
  span = { fixed: 3, rate: 10 },
): { fixed: number; rate: number } {
  const rateSpan = Math.min(60, Math.max(span.rate, Math.ceil((0.03 * Math.abs(rate)) / steps.rateStep)));
  let best = { fixed: roundTo(Math.max(fixed, steps.minFixed), steps.fixedStep), rate: roundTo(rate, steps.rateStep) };
  let bestScore = Infinity;
  let bestKey = Infinity;
  const tieKey = (f: number, r: number): number =>
    (Number.isInteger(r) ? 0 : 1) +
    (Number.isInteger(f) ? 0 : 1) +
    0.5 * Math.min(1, Math.abs(r - rate) / Math.max(Math.abs(rate), 1e-12) + Math.abs(f - fixed) / Math.max(Math.abs(fixed), 1));
  const f0 = roundTo(fixed, steps.fixedStep);
  const r0 = roundTo(rate, steps.rateStep);
  const fixeds: number[] = [];
  for (let j = -span.fixed; j <= span.fixed; j++) {
    const f = roundTo(f0 + j * steps.fixedStep, steps.fixedStep);
    if (f >= steps.minFixed) fixeds.push(f);
  }
  const rates: number[] = [];
  for (let k = -rateSpan; k <= rateSpan; k++) {
    const r = roundTo(r0 + k * steps.rateStep, steps.rateStep);
    if (r >= steps.minRate) rates.push(r);
  }
  for (const f of fixeds) {
    for (const r of rates) {
      const s = scoreOf(f, r);
      const tol = 1e-12 * (1 + Math.abs(bestScore === Infinity ? 0 : bestScore));
      if (s < bestScore - tol) {
        bestScore = s;
        best = { fixed: f, rate: r };
        bestKey = tieKey(f, r);
      } else if (s <= bestScore + tol) {
        const key = tieKey(f, r);
        if (key < bestKey) {
          best = { fixed: f, rate: r };
          bestKey = key;
        }
      }
    }
  }
  return best;
}

/** Simulator's transfer model: fixed + ceil(x / throughput) (or without the ceil). */
export function throughputModel(fixed: number, throughput: number, ceil = true): Model {
  return ceil ? (x) => fixed + Math.ceil(x / throughput - 1e-9) : (x) => fixed + x / throughput;
}

/** Simulator's vector model: fixed + x * cyclesPerUnit. */
export function perUnitModel(fixed: number, cyclesPerUnit: number): Model {
  return (x) => fixed + x * cyclesPerUnit;
}

export interface FitSummary {
  objective: Objective;
  /** Points with x >= minX were fitted; all points get an error. */
  minX: number;
  nFit: number;
  /** Max |relErr| over the fitted points, with the rounded parameters. */
  maxAbsRelErr: number;
  rmsRelErr: number;
  errors: PointError[];
}

export interface ThroughputFit extends FitSummary {
  kind: 'throughput';
  fixed: number;
  /** bytes (units of x) per cycle */
  throughput: number;
  raw: { fixed: number; throughput: number };
}

export interface ThroughputOptions {
  objective?: Objective;
  /** Only points with x >= minWork are fitted (default 1024 bytes). */
  minWork?: number;
  fixedStep?: number;
  throughputStep?: number;
  /** Evaluate with ceil(x / throughput), as the simulator does (default true). */
  ceil?: boolean;
  minFixed?: number;
}

function fitted(points: readonly Point[], minX: number, who: string): Point[] {
  const f = points.filter((p) => p.x >= minX);
  if (f.length === 0) throw new Error(`${who}: no points with x >= ${minX}`);
  return f;
}

/** Fit (fixed, throughput) of cycles = fixed + ceil(bytes / throughput) on points with x >= minWork. */
export function fitFixedThroughput(points: readonly Point[], opts: ThroughputOptions = {}): ThroughputFit {
  const objective = opts.objective ?? 'minimax';
  const minX = opts.minWork ?? 1024;
  const ceil = opts.ceil ?? true;
  const minFixed = opts.minFixed ?? 0;
  const pts = fitted(points, minX, 'fitFixedThroughput');
  const raw = fitAffine(pts, { objective, minFixed });
  const rawThroughput = raw.slope > 0 ? 1 / raw.slope : Number.POSITIVE_INFINITY;
  const steps = { fixedStep: opts.fixedStep ?? 1, rateStep: opts.throughputStep ?? 0.1, minFixed, minRate: 0 };
  steps.minRate = steps.rateStep;
  const start = Number.isFinite(rawThroughput) ? rawThroughput : 1e6;
  const r = roundPair(raw.fixed, start, steps, (f, t) => score(pts, throughputModel(f, t, ceil), objective));
  const errors = pointErrors(points, throughputModel(r.fixed, r.rate, ceil), minX);
  return {
    kind: 'throughput',
    fixed: r.fixed,
    throughput: r.rate,
    raw: { fixed: raw.fixed, throughput: rawThroughput },
    objective,
    minX,
    nFit: pts.length,
    maxAbsRelErr: maxAbsRelErr(errors),
    rmsRelErr: rmsRelErr(errors),
    errors,
  };
}

export interface PerUnitFit extends FitSummary {
  kind: 'perUnit';
  fixed: number;
  cyclesPerUnit: number;
  raw: { fixed: number; cyclesPerUnit: number };
}

export interface PerUnitOptions {
  objective?: Objective;
  /** Only points with x >= minX are fitted (default 0: all). */
  minX?: number;
  fixedStep?: number;
  unitStep?: number;
  minFixed?: number;
}

/** Fit (fixed, cyclesPerUnit) of cycles = fixed + x * cyclesPerUnit. */
export function fitFixedPerUnit(points: readonly Point[], opts: PerUnitOptions = {}): PerUnitFit {
  const objective = opts.objective ?? 'minimax';
  const minX = opts.minX ?? 0;
  const minFixed = opts.minFixed ?? 0;
  const pts = fitted(points, minX, 'fitFixedPerUnit');
  const raw = fitAffine(pts, { objective, minFixed });
  const steps = { fixedStep: opts.fixedStep ?? 1, rateStep: opts.unitStep ?? 0.01, minFixed, minRate: 0 };
  const r = roundPair(raw.fixed, raw.slope, steps, (f, c) => score(pts, perUnitModel(f, c), objective));
  const errors = pointErrors(points, perUnitModel(r.fixed, r.rate), minX);
  return {
    kind: 'perUnit',
    fixed: r.fixed,
    cyclesPerUnit: r.rate,
    raw: { fixed: raw.fixed, cyclesPerUnit: raw.slope },
    objective,
    minX,
    nFit: pts.length,
    maxAbsRelErr: maxAbsRelErr(errors),
    rmsRelErr: rmsRelErr(errors),
    errors,
  };
}

/** The constant c minimising the objective of (c - y) / y (the best "all the same cost" model). */
export function bestConstant(ys: readonly number[], objective: Objective): number {
  if (ys.length === 0) throw new Error('bestConstant: no values');
  if (objective === 'minimax') {
    const lo = Math.min(...ys);
    const hi = Math.max(...ys);
    return (2 * lo * hi) / (lo + hi);
  }
  const s1 = ys.reduce((s, y) => s + 1 / y, 0);
  const s2 = ys.reduce((s, y) => s + 1 / (y * y), 0);
  return s1 / s2;
}

/**
 * One-coefficient fit: c minimising the objective of (known_i + c * feature_i - measured_i) / measured_i.
 * Used for "which extra term explains the residual" questions (a per-call constant: feature 1; a
 * per-k-step cost: feature = number of k steps; ...).
 */
export function fitCoefficient(
  rows: readonly { feature: number; known: number; measured: number }[],
  objective: Objective = 'minimax',
): { c: number; maxAbsRelErr: number; rmsRelErr: number; maxAbsResidual: number } {
  if (rows.length === 0) throw new Error('fitCoefficient: no rows');
  const err = (c: number): number[] => rows.map((r) => (r.known + c * r.feature - r.measured) / r.measured);
  let c: number;
  if (objective === 'lsq') {
    let num = 0;
    let den = 0;
    for (const r of rows) {
      const w = 1 / (r.measured * r.measured);
      num += w * r.feature * (r.measured - r.known);
      den += w * r.feature * r.feature;
    }
    c = den > 0 ? num / den : 0;
  } else {
    const cs = rows.filter((r) => r.feature !== 0).map((r) => (r.measured - r.known) / r.feature);
    const lo = Math.min(...cs, 0);
    const hi = Math.max(...cs, 0);
    c = goldenMin((v) => Math.max(...err(v).map(Math.abs)), lo - 1, hi + 1, 200);
  }
  const e = err(c);
  return {
    c,
    maxAbsRelErr: Math.max(...e.map(Math.abs)),
    rmsRelErr: Math.sqrt(e.reduce((s, v) => s + v * v, 0) / e.length),
    maxAbsResidual: Math.max(...rows.map((r) => Math.abs(r.known + c * r.feature - r.measured))),
  };
}

// ---------------------------------------------------------------------------------------------
// Two-parameter extensions, for curves one affine model cannot follow within tolerance.

export interface FloorFit extends FitSummary {
  kind: 'floor';
  /** cycles = max(floor, base(x)) */
  floor: number;
  base: { fixed: number; rate: number; rateKind: 'throughput' | 'cyclesPerUnit' };
}

export interface FloorOptions {
  objective?: Objective;
  minX?: number;
  rateKind: 'throughput' | 'cyclesPerUnit';
  fixedStep?: number;
  rateStep?: number;
  ceil?: boolean;
  minFixed?: number;
}

function baseModel(kind: 'throughput' | 'cyclesPerUnit', fixed: number, rate: number, ceil: boolean): Model {
  return kind === 'throughput' ? throughputModel(fixed, rate, ceil) : perUnitModel(fixed, rate);
}

/**
 * Fit cycles = max(floor, fixed + x / throughput) (or fixed + x * cyclesPerUnit): a minimum cost
 * for small work (a latency that hides the first bytes, or a minimum issue-to-complete time),
 * then an affine rise. The split between the flat part and the rise is searched over the points.
 */
export function fitFloor(points: readonly Point[], opts: FloorOptions): FloorFit {
  const objective = opts.objective ?? 'minimax';
  const minX = opts.minX ?? 0;
  const ceil = opts.ceil ?? true;
  const minFixed = opts.minFixed ?? 0;
  const pts = fitted(points, minX, 'fitFloor').sort((a, b) => a.x - b.x);
  const kind = opts.rateKind;
  const fixedStep = opts.fixedStep ?? 1;
  const rateStep = opts.rateStep ?? (kind === 'throughput' ? 0.1 : 0.01);
  const toRate = (slope: number): number => (kind === 'throughput' ? (slope > 0 ? 1 / slope : 1e6) : slope);
  let best: { floor: number; fixed: number; rate: number; s: number } | undefined;
  // k = 0 (no flat part) keeps the plain affine fit as a candidate, so the floor model never loses to it
  for (const k of [0, ...splitCandidates(pts.length, 1, 2)]) {
    const head = pts.slice(0, k);
    const tail = pts.slice(k);
    const floor = k === 0 ? 0 : bestConstant(
      head.map((p) => p.y),
      objective,
    );
    const a = fitAffine(tail, { objective, minFixed });
    const rate = toRate(a.slope);
    const m = baseModel(kind, a.fixed, rate, false);
    const s = score(pts, (x) => Math.max(floor, m(x)), objective);
    if (best === undefined || s < best.s) best = { floor, fixed: a.fixed, rate, s };
  }
  if (best === undefined) {
    // fewer than 3 points: a plain affine fit with a zero floor
    const a = fitAffine(pts, { objective, minFixed });
    best = { floor: 0, fixed: a.fixed, rate: toRate(a.slope), s: 0 };
  }
  const b = best;
  let floor = roundTo(b.floor, fixedStep);
  const r = roundPair(
    b.fixed,
    b.rate,
    { fixedStep, rateStep, minFixed, minRate: kind === 'throughput' ? rateStep : 0 },
    (f, rate) => {
      const m = baseModel(kind, f, rate, ceil);
      return score(pts, (x) => Math.max(floor, m(x)), objective);
    },
  );
  // re-round the floor against the rounded rise
  let bestFloorScore = Infinity;
  for (const cand of [floor - fixedStep, floor, floor + fixedStep].map((v) => roundTo(Math.max(0, v), fixedStep))) {
    const m = baseModel(kind, r.fixed, r.rate, ceil);
    const s = score(pts, (x) => Math.max(cand, m(x)), objective);
    if (s < bestFloorScore) {
      bestFloorScore = s;
      floor = cand;
    }
  }
  const model: Model = (x) => Math.max(floor, baseModel(kind, r.fixed, r.rate, ceil)(x));
  const errors = pointErrors(points, model, minX);
  return {
    kind: 'floor',
    floor,
    base: { fixed: r.fixed, rate: r.rate, rateKind: kind },
    objective,
    minX,
    nFit: pts.length,
    maxAbsRelErr: maxAbsRelErr(errors),
    rmsRelErr: rmsRelErr(errors),
    errors,
  };
}

export interface SplitFit extends FitSummary {
  kind: 'split';
  /** Transfers of x <= threshold use `below`, larger ones `above`. */
  threshold: number;
  below: { fixed: number; throughput: number };
  above: { fixed: number; throughput: number };
}

/** Up to `max` split indices k (head = first k points) with at least minHead / minTail points. */
function splitCandidates(n: number, minHead: number, minTail: number, max = 100): number[] {
  const lo = minHead;
  const hi = n - minTail;
  if (hi < lo) return [];
  const count = hi - lo + 1;
  if (count <= max) return Array.from({ length: count }, (_, i) => lo + i);
  const out = new Set<number>();
  for (let i = 0; i < max; i++) out.add(lo + Math.round((i * (count - 1)) / (max - 1)));
  return [...out];
}

/**
 * Fit two (fixed, throughput) pairs, one for transfers up to a threshold and one above it
 * ("a different bandwidth below/above a size"). The threshold is searched among the measured sizes,
 * keeping at least three fitted points on each side (two points would be fitted exactly by any pair).
 */
export function fitSplitThroughput(points: readonly Point[], opts: ThroughputOptions = {}): SplitFit {
  const objective = opts.objective ?? 'minimax';
  const minX = opts.minWork ?? 1024;
  const ceil = opts.ceil ?? true;
  const pts = fitted(points, minX, 'fitSplitThroughput').sort((a, b) => a.x - b.x);
  // each candidate split is scored with its rounded pairs, as the simulator would use them
  let best: { k: number; s: number; below: ThroughputFit; above: ThroughputFit } | undefined;
  for (const k of splitCandidates(pts.length, 3, 3)) {
    const below = fitFixedThroughput(pts.slice(0, k), { ...opts, minWork: minX });
    const above = fitFixedThroughput(pts.slice(k), { ...opts, minWork: minX });
    const sLo = score(pts.slice(0, k), throughputModel(below.fixed, below.throughput, ceil), objective);
    const sHi = score(pts.slice(k), throughputModel(above.fixed, above.throughput, ceil), objective);
    const sc = objective === 'minimax' ? Math.max(sLo, sHi) : sLo + sHi;
    if (best === undefined || sc < best.s) best = { k, s: sc, below, above };
  }
  if (best === undefined) throw new Error('fitSplitThroughput: need at least 6 points (3 on each side)');
  const { k: bestK, below, above } = best;
  const threshold = (pts[bestK - 1] as Point).x;
  const model: Model = (x) =>
    x <= threshold ? throughputModel(below.fixed, below.throughput, ceil)(x) : throughputModel(above.fixed, above.throughput, ceil)(x);
  const errors = pointErrors(points, model, minX);
  return {
    kind: 'split',
    threshold,
    below: { fixed: below.fixed, throughput: below.throughput },
    above: { fixed: above.fixed, throughput: above.throughput },
    objective,
    minX,
    nFit: pts.length,
    maxAbsRelErr: maxAbsRelErr(errors),
    rmsRelErr: rmsRelErr(errors),
    errors,
  };
}

export interface ChunkFit extends FitSummary {
  kind: 'chunked';
  /** cycles = fixedPerChunk * ceil(x / chunk) + ceil(x / throughput) */
  chunk: number;
  fixedPerChunk: number;
  throughput: number;
}

/** Chunk sizes tried by fitChunked: 512 B .. 64 KiB. */
export const CHUNK_SIZES = [512, 1024, 2048, 4096, 8192, 16384, 32768, 65536] as const;

/**
 * Fit cycles = fixedPerChunk * ceil(x / chunk) + ceil(x / throughput): the fixed latency is paid once
 * per `chunk` bytes (a transfer split into requests or bursts) rather than once per call. The chunk
 * size is picked from `chunks`; the model has the same two fitted numbers as the plain one.
 */
export function fitChunked(
  points: readonly Point[],
  opts: ThroughputOptions & { chunks?: readonly number[] } = {},
): ChunkFit {
  const objective = opts.objective ?? 'minimax';
  const minX = opts.minWork ?? 1024;
  const ceil = opts.ceil ?? true;
  const minFixed = opts.minFixed ?? 0;
  const pts = fitted(points, minX, 'fitChunked');
  const fixedStep = opts.fixedStep ?? 1;
  const rateStep = opts.throughputStep ?? 0.1;
  const modelOf = (chunk: number, f: number, t: number): Model => {
    const m = throughputModel(0, t, ceil);
    return (x) => f * Math.ceil(x / chunk) + m(x);
  };
  let best: { chunk: number; fixed: number; rate: number; s: number } | undefined;
  for (const chunk of opts.chunks ?? CHUNK_SIZES) {
    const a = fitAffine(pts, { objective, minFixed, interceptFeature: (x) => Math.ceil(x / chunk) });
    const rate = a.slope > 0 ? 1 / a.slope : 1e6;
    const r = roundPair(a.fixed, rate, { fixedStep, rateStep, minFixed, minRate: rateStep }, (f, t) =>
      score(pts, modelOf(chunk, f, t), objective),
    );
    const s = score(pts, modelOf(chunk, r.fixed, r.rate), objective);
    if (best === undefined || s < best.s) best = { chunk, fixed: r.fixed, rate: r.rate, s };
  }
  if (best === undefined) throw new Error('fitChunked: no chunk sizes');
  const errors = pointErrors(points, modelOf(best.chunk, best.fixed, best.rate), minX);
  return {
    kind: 'chunked',
    chunk: best.chunk,
    fixedPerChunk: best.fixed,
    throughput: best.rate,
    objective,
    minX,
    nFit: pts.length,
    maxAbsRelErr: maxAbsRelErr(errors),
    rmsRelErr: rmsRelErr(errors),
    errors,
  };
}

/**
 * Drop gross outliers (a measurement glitch of thousands of cycles in a table of tens): a point is
 * rejected when y > factor * (m * x + minY), m being the median of y / x and minY the smallest y.
 * The minY term leaves room for a minimum cost at small x.
 */
export function rejectOutliers(points: readonly Point[], factor = 5): { kept: Point[]; rejected: Point[] } {
  const ratios = points.filter((p) => p.x > 0).map((p) => p.y / p.x).sort((a, b) => a - b);
  if (ratios.length === 0) return { kept: [...points], rejected: [] };
  const mid = Math.floor(ratios.length / 2);
  const m = ratios.length % 2 === 1 ? (ratios[mid] as number) : ((ratios[mid - 1] as number) + (ratios[mid] as number)) / 2;
  const minY = Math.min(...points.map((p) => p.y));
  const kept: Point[] = [];
  const rejected: Point[] = [];
  for (const p of points) (p.y > factor * (m * p.x + minY) ? rejected : kept).push(p);
  return { kept, rejected };
}
