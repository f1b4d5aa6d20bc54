/**
 * `aicore-sim run <kernel>`: one subcommand per library kernel, each with its own shape, tiling and
 * epilogue flags. Adding a kernel is one row in KERNELS.
 */
import type { CommandModule } from 'yargs';
import type { CliContext } from './context.js';
import { runMatmulCommand } from './run-matmul.js';

/** Library kernels the CLI can run. */
const KERNELS = [runMatmulCommand] as const;

/** The `run` command. */
export const runCommand = (ctx: CliContext): CommandModule => ({
  command: 'run',
  describe: 'run a library kernel on random data (functional, bit-exact checked) or timing-only',
  builder: (y) => {
    const kernels = KERNELS.map((k) => k(ctx));
    return y.command(kernels).demandCommand(1, `name a kernel to run: ${kernels.map((k) => k.command).join(', ')}`);
  },
  handler: () => undefined,
});
