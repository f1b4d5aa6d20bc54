/**
 * Runs the TypeScript sources directly, without a build: `node --import ./scripts/source-loader.mjs
 * scripts/cli.ts ...`. The tests start the CLI this way (so they test the sources, not a stale dist/),
 * and a sweep started from the sources gives its worker threads the same hook. Each .ts module is
 * transpiled on load (types stripped, nothing checked: `npm run typecheck` does that), and an import
 * of `./x.js` finds `./x.ts` when no `x.js` is there, as tsc's NodeNext resolution does.
 * Plain JavaScript on purpose: it must load before any TypeScript can.
 */
import { register } from 'node:module';

register('./source-loader-hooks.mjs', import.meta.url);
