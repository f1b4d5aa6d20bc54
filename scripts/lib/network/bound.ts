/**
 * What bounds a layer, in the categories a network report uses: the busiest unit of its longest
 * launch (resnet50.ts boundBy) grouped as compute (the cube), memory (the data movers: MTE1/2/3 and
 * the fixpipe, which moves L0C out), vector or scalar; host for a layer that is not timed.
 */
import type { OpSummary } from '../../../traces/index.js';
import { boundBy } from '../resnet50.js';

export const BOUNDS = ['compute', 'memory', 'vector', 'scalar', 'host'] as const;
export type Bound = (typeof BOUNDS)[number];

const GROUP: Readonly<Record<string, Bound>> = { cube: 'compute', vector: 'vector', scalar: 'scalar', mte1: 'memory', mte2: 'memory', mte3: 'memory', fixpipe: 'memory' };

export const boundOf = (s: OpSummary): Bound => GROUP[boundBy(s)]!;
