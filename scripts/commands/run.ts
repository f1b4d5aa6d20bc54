/**
 * `aicore-sim run <kernel>`: one subcommand per library kernel, each with its own shape, tiling and
 * epilogue flags: `run matmul` (its own command), and every other kernel of the regression table
 * with flags built from the table's schemas (run-kernel.ts). Adding a kernel is one row in the table.
 */
import type { CommandModule } from 'yargs';
import type { CliContext } from './context.js';
import { tableKernelCommands } from './run-kernel.js';
import { runMatmulCommand } from './run-matmul.js';


/** The `run` command. */
export const runCommand = (ctx: CliContext): CommandModule => ({
  command: 'run',
  describe: 'run a library kernel on random data (functional, bit-exact checked) or timing-only',
  builder: (y) => {
    const kernels = [runMatmulCommand(ctx) as unknown as CommandModule, ...tableKernelCommands(ctx)];
    return y.command(kernels).demandCommand(1, `name a kernel to run: ${kernels.map((k) => k.command).join(', ')}`);
  },
  handler: () => undefined,
});
