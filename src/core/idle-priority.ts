/**
 * Starting a command at the lowest CPU priority Linux offers, the SCHED_IDLE policy, through
 * util-linux's `chrt` (Node has no call for it): every thread of the command inherits the policy,
 * and a normal task that wakes preempts it at once, where a nice-19 process keeps the core for the
 * rest of its time slice (the EEVDF scheduler of Linux 6.6 and later preempts by deadline, not by
 * priority). The price: on a machine whose cores are all busy, the command waits until one is free.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const CHRT = '/usr/bin/chrt';

/**
 * The command and arguments that start `command args` under SCHED_IDLE, and whether they do.
 * Elsewhere than Linux, without `chrt`, or where the policy is refused (a sandbox's seccomp
 * filter), the command as it is, `idle` false: the caller renices it if it wants.
 */
export function idleScheduled(command: string, args: readonly string[]): { command: string; args: string[]; idle: boolean } {
  if (process.platform !== 'linux' || !existsSync(CHRT)) return { command, args: [...args], idle: false };
  // A probe (chrt running its own --version under the policy, about a millisecond): a refused
  // policy would otherwise end the command before it starts.
  const probe = spawnSync(CHRT, ['--idle', '0', CHRT, '--version'], { stdio: 'ignore', timeout: 5_000 });
  return probe.status === 0 ? { command: CHRT, args: ['--idle', '0', command, ...args], idle: true } : { command, args: [...args], idle: false };
}
