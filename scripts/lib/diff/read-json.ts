/**
 * Profiles from the JSON the commands print: a kernel run (`run <kernel> --json`, `asm --json`: the
 * op summary fields of scripts/lib/report.ts summaryJson) or a network run (`network --json`,
 * scripts/lib/network/report.ts networkJson). Figures of zero are left out, as the JSON itself
 * leaves out paths that moved nothing, so a figure reads the same from a folder and from JSON.
 */
import { JobError } from '../job-error.js';
import { flatten, type Figure, type Profile, type SectionId } from './profile.js';

type Json = Readonly<Record<string, unknown>>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Keeps the non-zero numbers of a flat table. */
const nonZero = (t: Readonly<Record<string, Figure>>): Record<string, Figure> => Object.fromEntries(Object.entries(t).filter(([, v]) => v !== 0));

/** The fields of a kernel JSON that say what was run (compared, shown, never counted). */
const KERNEL_SETUP = ['command', 'kernel', 'preset', 'mode', 'dtype', 'shape', 'params', 'epilogue', 'tiling', 'blockDim', 'source'] as const;
const NETWORK_SETUP = ['network', 'preset', 'batch', 'seq', 'clockMHz', 'launchOverheadUs'] as const;

const setupOf = (j: Json, keys: readonly string[]) => flatten(Object.fromEntries(keys.filter((k) => j[k] !== undefined && j[k] !== null).map((k) => [k, j[k]])));

/** pipes.<P>.busyCycles -> P */
const pipeBusy = (pipes: unknown): Record<string, Figure> =>
  isObject(pipes) ? Object.fromEntries(Object.entries(pipes).flatMap(([p, u]) => (isObject(u) && typeof u['busyCycles'] === 'number' ? [[p, u['busyCycles']]] : []))) : {};

/** The byte figures: bytes moved per data path, GM bytes by level, and by level per GM path. */
function kernelBytes(bytes: unknown, memory: unknown): Record<string, Figure> {
  const m = isObject(memory) ? memory : {};
  const { paths, ...levels } = m;
  return nonZero({ ...flatten(bytes, 'path'), ...flatten(levels, 'gm'), ...flatten(paths, 'gm') });
}

function kernelProfile(j: Json, source: string): Profile {
  const stalls = isObject(j['stalls']) ? j['stalls'] : {};
  const total: Record<string, Figure> = { cycles: j['cycles'] as number, macs: typeof j['macs'] === 'number' ? j['macs'] : 0 };
  if (typeof j['usefulMacs'] === 'number') total['usefulMacs'] = j['usefulMacs'];
  const sections: Partial<Record<SectionId, Record<string, Figure>>> = {
    total: nonZero(total),
    pipes: nonZero(pipeBusy(j['pipes'])),
    stalls: nonZero({ ...flatten(stalls['scalar'], 'scalar'), ...flatten(stalls['pipes']) }),
    bytes: kernelBytes(j['bytes'], j['memory']),
  };
  return { kind: 'kernel', source, describe: `${source} (a kernel run: ${String(j['command'] ?? 'JSON')})`, setup: setupOf(j, KERNEL_SETUP), sections };
}

function networkProfile(j: Json, source: string): Profile {
  const layers = Array.isArray(j['layers']) ? j['layers'].filter(isObject) : [];
  const table = (f: (l: Json) => unknown) => Object.fromEntries(layers.map((l) => [String(l['name']), f(l)]).filter(([, v]) => typeof v === 'number' || typeof v === 'string')) as Record<string, Figure>;
  const bytes = Object.assign({}, ...layers.map((l) => flatten(l['bytes'], String(l['name'])))) as Record<string, Figure>;
  const total = flatten({ cycles: j['cycles'], latencyMs: j['latencyMs'], imagesPerSecond: j['imagesPerSecond'], launches: j['launches'] });
  return {
    kind: 'network',
    source,
    describe: `${source} (a network run: ${String(j['network'])})`,
    setup: setupOf(j, NETWORK_SETUP),
    sections: { total, layerCycles: table((l) => l['cycles']), layerTime: table((l) => l['timeUs']), layerBound: table((l) => l['bound']), layerBytes: nonZero(bytes) },
  };
}

/** A profile from parsed JSON; `source` names the file in messages. */
export function profileFromJson(j: unknown, source: string): Profile {
  if (isObject(j) && j['command'] === 'network' && Array.isArray(j['layers'])) {
    const bad = j['layers'].findIndex((l) => !isObject(l) || typeof l['name'] !== 'string' || typeof l['cycles'] !== 'number');
    if (bad >= 0 || typeof j['cycles'] !== 'number') throw new JobError(`${source}: ${bad >= 0 ? `layers[${bad}] is not a layer (an object with a name and cycles)` : 'cycles must be a number'}: give the JSON that \`network --json\` printed`);
    return networkProfile(j, source);
  }
  if (isObject(j) && typeof j['cycles'] === 'number' && isObject(j['pipes']) && isObject(j['memory'])) return kernelProfile(j, source);
  throw new JobError(`${source} is neither a kernel run (the JSON of \`run <kernel> --json\` or \`asm --json\`) nor a network run (\`network --json\`)`);
}
