/**
 * A pull builds its per-file records (plan, changes, state) gradually and keeps them to the
 * end: to V8 they are young objects that keep surviving, then an old generation that keeps
 * growing. Two of V8's sizing rules then cost memory for nothing:
 *
 * - Each time the survivors outgrow the young generation V8 doubles it, up to 2 x 64 MB on a
 *   64-bit Node 24, and keeps it. For a 100,000-file pull that was half the process's peak
 *   (128 of 269 MB) while holding a few MB of live objects. With the growth factor at 1 it
 *   stays at its start size (1-4 MB semi-spaces) and the survivors move to the old
 *   generation, where they belong.
 * - After each full collection V8 lets the old generation grow by up to 2-4x its live size
 *   before the next one. At 20% the heap stays near what is live (a million files is
 *   ~0.5 GB of records); the extra full collections are cheap beside the file I/O.
 *
 * Node takes `--max-semi-space-size` and the like only on its command line, which an action's
 * `runs.main` cannot pass, but V8 reads these two settings each time it resizes a
 * generation (`SemiSpaceNewSpace::Grow()` multiplies by `v8_flags.semi_space_growth_factor`),
 * so they take effect when set at run time. A growth factor of 1 works only so: on the command
 * line V8 raises it to 2 (`DEFINE_MIN_VALUE_IMPLICATION` in flag-definitions.h, applied when
 * flags are parsed), which is why the test runs both ways. Measured on a 100,000-file cold pull:
 * peak RSS 308 -> 162 MB, CPU time within noise (scavenges of 1 MB are cheap).
 *
 * Process-wide and idempotent. A Node whose V8 ignores the flags only keeps its defaults.
 */
import { setFlagsFromString } from 'node:v8';

let applied = false;

export function keepHeapTight(): void {
  if (applied) return;
  applied = true;
  setFlagsFromString('--semi-space-growth-factor=1');
  setFlagsFromString('--heap-growing-percent=20');
}
